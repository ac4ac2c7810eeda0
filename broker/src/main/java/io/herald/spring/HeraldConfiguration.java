package io.herald.spring;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import io.herald.admin.BrokerMetrics;
import io.herald.protocol.FrameLimits;
import io.herald.routing.Router;
import io.herald.security.AnonymousAuthenticator;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;
import io.herald.session.AbuseLimits;
import io.herald.session.Broker;
import io.herald.session.SessionSettings;
import io.herald.transport.tcp.StompTcpServer;
import io.herald.transport.websocket.StompWebSocketHandler;

/**
 * Builds the plain-Java broker core from {@link HeraldProperties} and registers the
 * transports.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(HeraldProperties.class)
class HeraldConfiguration implements WebSocketConfigurer {

	private static final int MATCH_CACHE_SIZE = 10_000;

	private static final int WEBSOCKET_CHUNK_BYTES = 64 * 1024;

	private final HeraldProperties properties;

	private final Broker broker;

	private final ExecutorService webSocketWriters;

	HeraldConfiguration(HeraldProperties properties, Broker broker, ExecutorService heraldWebSocketWriters) {
		this.properties = properties;
		this.broker = broker;
		this.webSocketWriters = heraldWebSocketWriters;
	}

	@Bean(destroyMethod = "shutdownNow")
	static ScheduledExecutorService heraldTimer() {
		return Executors.newSingleThreadScheduledExecutor(daemonThreads("herald-timer"));
	}

	@Bean(destroyMethod = "shutdownNow")
	static ExecutorService heraldWebSocketWriters() {
		return Executors.newFixedThreadPool(8, daemonThreads("herald-ws-writer"));
	}

	@Bean
	@ConditionalOnMissingBean
	static Authenticator heraldAuthenticator() {
		return new AnonymousAuthenticator();
	}

	@Bean
	@ConditionalOnMissingBean
	static DestinationPolicy heraldDestinationPolicy() {
		return DestinationPolicy.ALLOW_ALL;
	}

	@Bean
	static Broker heraldBroker(HeraldProperties properties, Authenticator authenticator, DestinationPolicy policy,
			ScheduledExecutorService heraldTimer) {
		HeraldProperties.Limits limits = properties.limits();
		FrameLimits frameLimits = new FrameLimits((int) limits.maxFrameSize().toBytes(),
				(int) limits.maxHeaderLineSize().toBytes(), limits.maxHeaders());
		SessionSettings settings = new SessionSettings(frameLimits, limits.maxSubscriptionsPerSession(),
				limits.outboundBufferSize().toBytes(), properties.heartbeat().sendInterval().toMillis(),
				properties.heartbeat().receiveInterval().toMillis(), limits.connectTimeout().toMillis(),
				limits.maxTransactionFrames(), limits.maxUnackedPerSubscription(), "Herald/" + version());
		Router router = new Router(properties.queues().maxLength(), MATCH_CACHE_SIZE);
		AbuseLimits abuseLimits = new AbuseLimits(limits.maxConnections(), limits.maxConnectionsPerAddress(),
				limits.inboundFramesPerSecond(), limits.inboundBytesPerSecond().toBytes(),
				limits.maxLoginDelay().toMillis());
		return new Broker(settings, router, authenticator, policy, abuseLimits, heraldTimer, System::nanoTime,
				Clock.systemUTC());
	}

	@Bean
	static BrokerMetrics heraldBrokerMetrics(Broker broker) {
		return new BrokerMetrics(broker);
	}

	@Bean
	static HeraldMessagingTemplate heraldMessagingTemplate(Broker broker) {
		return new HeraldMessagingTemplate(broker);
	}

	@Bean
	static HeraldLifecycle heraldLifecycle(Broker broker, HeraldProperties properties,
			ConfigurableEnvironment environment) {
		HeraldProperties.Tcp tcp = properties.tcp();
		StompTcpServer server = (tcp.port() >= 0) ? new StompTcpServer(broker, tcp.host(), tcp.port()) : null;
		return new HeraldLifecycle(broker, server, environment);
	}

	@Bean
	static ServletServerContainerFactoryBean heraldWebSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		// with partial messages these are chunk sizes, not message limits: the decoder
		// enforces herald.limits.max-frame-size across chunks
		container.setMaxTextMessageBufferSize(WEBSOCKET_CHUNK_BYTES);
		container.setMaxBinaryMessageBufferSize(WEBSOCKET_CHUNK_BYTES);
		return container;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		HeraldProperties.WebSocket websocket = this.properties.websocket();
		String[] origins = websocket.allowedOrigins().toArray(new String[0]);
		registry.addHandler(new StompWebSocketHandler(this.broker, false, this.webSocketWriters), websocket.path())
			.setAllowedOriginPatterns(origins);
		if (websocket.sockjsPath() != null && !websocket.sockjsPath().isEmpty()) {
			registry
				.addHandler(new StompWebSocketHandler(this.broker, true, this.webSocketWriters), websocket.sockjsPath())
				.setAllowedOriginPatterns(origins)
				.withSockJS();
		}
	}

	private static String version() {
		String version = HeraldConfiguration.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "dev";
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
