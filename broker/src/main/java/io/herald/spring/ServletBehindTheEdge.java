package io.herald.spring;

import java.net.InetAddress;

import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Moves the servlet container off the public port: loopback, any free port, no TLS. It
 * runs after Boot's own customizer, which applied {@code server.*} to the container; the
 * Netty edge takes those keys for the public port and relays to the container.
 */
final class ServletBehindTheEdge implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

	@Override
	public void customize(ConfigurableWebServerFactory factory) {
		factory.setPort(0);
		factory.setAddress(InetAddress.getLoopbackAddress());
		factory.setSsl(null);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
