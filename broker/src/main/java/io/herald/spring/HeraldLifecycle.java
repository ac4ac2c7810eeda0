package io.herald.spring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.herald.session.Broker;
import io.herald.transport.tcp.StompTcpServer;
import io.herald.transport.websocket.WebSocketEdge;

/**
 * Starts the STOMP/TCP listener and the public HTTP port and, on shutdown (SIGTERM
 * included), takes the node out of service in order: readiness reports DOWN
 * ({@code /actuator/health/readiness} answers 503) while everything is still served for
 * {@code herald.shutdown.drain-period}, then every client is told "server shutting down",
 * then the ports close. This lifecycle has the highest phase, so it stops before the
 * servlet container that answers the health checks. Publishes the bound TCP port as
 * {@code local.herald.tcp.port}, as Boot does with {@code local.server.port}.
 */
final class HeraldLifecycle implements SmartLifecycle {

	private static final long SHUTDOWN_WAIT_MILLIS = 3_000;

	private static final System.Logger LOGGER = System.getLogger(HeraldLifecycle.class.getName());

	private final Broker broker;

	private final StompTcpServer tcpServer;

	private final WebSocketEdge edge;

	private final AtomicInteger servletPort;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher events;

	private final Duration drainPeriod;

	private volatile boolean running;

	/**
	 * @param servletPort set at start to the port the servlet container got, for the edge
	 * to relay to
	 */
	HeraldLifecycle(Broker broker, StompTcpServer tcpServer, WebSocketEdge edge, AtomicInteger servletPort,
			ConfigurableEnvironment environment, ApplicationEventPublisher events, Duration drainPeriod) {
		this.events = events;
		this.drainPeriod = drainPeriod;
		this.broker = broker;
		this.tcpServer = tcpServer;
		this.edge = edge;
		this.servletPort = servletPort;
		this.environment = environment;
	}

	@Override
	public void start() {
		Map<String, Object> ports = new HashMap<>();
		if (this.tcpServer != null) {
			this.tcpServer.start();
			ports.put("local.herald.tcp.port", Integer.toString(this.tcpServer.port()));
			LOGGER.log(System.Logger.Level.INFO,
					"STOMP/TCP listening on " + this.tcpServer.address() + (this.tcpServer.isSecure() ? " (TLS)" : ""));
		}
		else {
			LOGGER.log(System.Logger.Level.INFO, "STOMP/TCP off (herald.tcp.port=-1)");
		}
		String servlet = this.environment.getProperty("local.server.port");
		if (servlet != null) {
			this.servletPort.set(Integer.parseInt(servlet));
			ports.put("local.herald.servlet.port", servlet);
		}
		try {
			this.edge.start();
		}
		catch (RuntimeException ex) {
			// the public port is taken, say: nothing of Herald stays bound
			if (this.tcpServer != null) {
				this.tcpServer.stop();
			}
			throw ex;
		}
		// local.server.port means the public port, as server.port does
		ports.put("local.server.port", Integer.toString(this.edge.port()));
		this.environment.getPropertySources().addFirst(new MapPropertySource("herald.ports", ports));
		String address = this.environment.getProperty("server.address", "0.0.0.0");
		String websocket = this.environment.getProperty("herald.websocket.path", "/ws");
		String sockJs = this.environment.getProperty("herald.websocket.sockjs-path", "/sockjs");
		LOGGER.log(System.Logger.Level.INFO,
				"HTTP on " + address + ":" + this.edge.port() + (this.edge.isSecure() ? " (TLS)" : "")
						+ ": STOMP over WebSocket on " + websocket + (sockJs.isEmpty() ? "" : ", SockJS on " + sockJs)
						+ ", actuator on /actuator, admin API on /api/v1/admin (relayed to the servlet container on "
						+ "127.0.0.1:" + servlet + ")");
		String base = (this.edge.isSecure() ? "https" : "http") + "://localhost:" + this.edge.port();
		LOGGER.log(System.Logger.Level.INFO,
				"Dashboard: " + base + "/admin/"
						+ (this.environment.getProperty("herald.demo.enabled", Boolean.class, true)
								? ", demo: " + base + "/demo/" : ""));
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		if (!this.drainPeriod.isZero()) {
			LOGGER.log(System.Logger.Level.INFO, "Shutting down: readiness DOWN, serving " + this.broker.sessionCount()
					+ " sessions for " + this.drainPeriod.toMillis() + " ms more (herald.shutdown.drain-period)");
			try {
				Thread.sleep(this.drainPeriod.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		// sessions get their ERROR while the ports are open, then the ports close
		this.broker.shutdown(SHUTDOWN_WAIT_MILLIS);
		this.edge.stop();
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
