package io.herald.spring;

import java.util.Map;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.herald.session.Broker;
import io.herald.transport.tcp.StompTcpServer;

/**
 * Starts the STOMP/TCP listener and, on shutdown (SIGTERM included), tells every client
 * "server shutting down" before the web server stops: this lifecycle has the highest
 * phase, so it stops first. Publishes the bound TCP port as
 * {@code local.herald.tcp.port}, as Boot does with {@code local.server.port}.
 */
final class HeraldLifecycle implements SmartLifecycle {

	private static final long SHUTDOWN_WAIT_MILLIS = 3_000;

	private static final System.Logger LOGGER = System.getLogger(HeraldLifecycle.class.getName());

	private final Broker broker;

	private final StompTcpServer tcpServer;

	private final ConfigurableEnvironment environment;

	private volatile boolean running;

	HeraldLifecycle(Broker broker, StompTcpServer tcpServer, ConfigurableEnvironment environment) {
		this.broker = broker;
		this.tcpServer = tcpServer;
		this.environment = environment;
	}

	@Override
	public void start() {
		if (this.tcpServer != null) {
			this.tcpServer.start();
			this.environment.getPropertySources()
				.addFirst(new MapPropertySource("herald.ports",
						Map.of("local.herald.tcp.port", Integer.toString(this.tcpServer.port()))));
			LOGGER.log(System.Logger.Level.INFO,
					"STOMP/TCP listening on " + this.tcpServer.address() + (this.tcpServer.isSecure() ? " (TLS)" : ""));
		}
		else {
			LOGGER.log(System.Logger.Level.INFO, "STOMP/TCP off (herald.tcp.port=-1)");
		}
		String httpPort = this.environment.getProperty("local.server.port");
		if (httpPort != null) {
			String address = this.environment.getProperty("server.address", "0.0.0.0");
			String websocket = this.environment.getProperty("herald.websocket.path", "/ws");
			String sockJs = this.environment.getProperty("herald.websocket.sockjs-path", "/sockjs");
			LOGGER.log(System.Logger.Level.INFO, "STOMP over WebSocket on " + address + ":" + httpPort + websocket
					+ (sockJs.isEmpty() ? "" : ", SockJS on " + sockJs) + ", actuator on /actuator");
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.broker.shutdown(SHUTDOWN_WAIT_MILLIS);
		if (this.tcpServer != null) {
			this.tcpServer.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
