package io.herald.it.support;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.herald.spring.HeraldApplication;
import io.herald.testclient.StompEndpoints;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Herald started in-process on free ports ({@code server.port=0},
 * {@code herald.tcp.port=0}); the ports are read back from {@code local.server.port} and
 * {@code local.herald.tcp.port}.
 */
public final class HeraldServer implements StompEndpoints, JsonHttp.HttpNode, AutoCloseable {

	private static final AtomicLong NAMES = new AtomicLong();

	private static final List<String> DEFAULT_ARGS = List.of("--server.port=0", "--herald.tcp.port=0",
			"--server.address=127.0.0.1", "--herald.tcp.host=127.0.0.1", "--spring.main.banner-mode=off");

	private final ConfigurableApplicationContext context;

	private final int httpPort;

	private final int tcpPort;

	private HeraldServer(ConfigurableApplicationContext context) {
		this.context = context;
		this.httpPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
		this.tcpPort = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.herald.tcp.port"));
	}

	/**
	 * Starts Herald with the given {@code --key=value} arguments on top of free ports.
	 */
	public static HeraldServer start(String... args) {
		List<String> all = new ArrayList<>();
		for (String fallback : DEFAULT_ARGS) {
			String key = fallback.substring(0, fallback.indexOf('=') + 1);
			if (Arrays.stream(args).noneMatch((arg) -> arg.startsWith(key))) {
				// a repeated command-line key would bind as a list ("0,70000")
				all.add(fallback);
			}
		}
		all.addAll(Arrays.asList(args));
		return new HeraldServer(new SpringApplicationBuilder(HeraldApplication.class).run(all.toArray(new String[0])));
	}

	public int httpPort() {
		return this.httpPort;
	}

	public int tcpPort() {
		return this.tcpPort;
	}

	@Override
	public InetSocketAddress tcpAddress() {
		return new InetSocketAddress("127.0.0.1", this.tcpPort);
	}

	@Override
	public URI webSocketUri() {
		return URI.create("ws://127.0.0.1:" + this.httpPort + "/ws");
	}

	@Override
	public URI sockJsUri() {
		return URI.create("http://127.0.0.1:" + this.httpPort + "/sockjs");
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	/** A destination name segment unique within this JVM. */
	public static String unique(String prefix) {
		return prefix + "-" + NAMES.incrementAndGet();
	}

	@Override
	public void close() {
		this.context.close();
	}

}
