package io.herald.spring;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;

import io.herald.admin.AdminController;
import io.herald.transport.http.PresenceController;
import io.herald.transport.http.PublishController;

import io.herald.admin.BrokerMetrics;
import io.herald.admin.BackplaneHealthIndicator;
import io.herald.admin.MemoryAlarmHealthIndicator;
import io.herald.cluster.Backplane;
import io.herald.cluster.RabbitBackplane;
import io.herald.admin.DestinationRates;
import io.herald.admin.Throughput;
import io.herald.memory.MemoryBudget;
import io.herald.protocol.FrameLimits;
import io.herald.routing.QueueLimits;
import io.herald.routing.Router;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;
import io.herald.security.TokenHandshakeInterceptor;
import io.herald.session.AbuseLimits;
import io.herald.session.Broker;
import io.herald.session.BrokerStats;
import io.herald.session.SessionTraffic;
import io.herald.session.SessionSettings;
import io.herald.transport.tcp.StompTcpServer;
import io.herald.transport.sockjs.StompSockJsHandler;
import io.herald.transport.websocket.WebSocketEdge;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import com.rabbitmq.client.Address;
import javax.net.ssl.SSLContext;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Builds the plain-Java broker core from {@link HeraldProperties} and registers the
 * transports.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableConfigurationProperties(HeraldProperties.class)
class HeraldConfiguration implements WebSocketConfigurer {

	/**
	 * The container allocates buffers of this size (binary) and of this many chars (text)
	 * for every WebSocket session up front, idle or not: 8 KiB (Tomcat's default) keeps
	 * an idle session cheap, where 64 KiB cost 192 KiB per connection.
	 */
	private static final int WEBSOCKET_CHUNK_BYTES = 8 * 1024;

	private final HeraldProperties properties;

	private final Broker broker;

	private final ExecutorService webSocketWriters;

	private final Authenticator authenticator;

	HeraldConfiguration(HeraldProperties properties, Broker broker, ExecutorService heraldWebSocketWriters,
			Authenticator authenticator) {
		this.properties = properties;
		this.broker = broker;
		this.webSocketWriters = heraldWebSocketWriters;
		this.authenticator = authenticator;
	}

	@Bean(destroyMethod = "shutdownNow")
	static ScheduledExecutorService heraldTimer() {
		return Executors.newSingleThreadScheduledExecutor(daemonThreads("herald-timer"));
	}

	@Bean(destroyMethod = "shutdownNow")
	static ExecutorService heraldWebSocketWriters() {
		return Executors.newFixedThreadPool(8, daemonThreads("herald-ws-writer"));
	}

	/**
	 * The cluster link ({@code herald.cluster.*}): RabbitMQ, or a node alone. Its node id
	 * is the broker's.
	 */
	@Bean(destroyMethod = "close")
	static Backplane heraldBackplane(HeraldProperties properties, SslBundles sslBundles) {
		HeraldProperties.Cluster cluster = properties.cluster();
		String nodeId = cluster.nodeId().isEmpty() ? Broker.randomNodeId() : cluster.nodeId();
		if (cluster.mode().equals("none")) {
			return Backplane.single(nodeId);
		}
		HeraldProperties.Cluster.Rabbitmq rabbit = cluster.rabbitmq();
		List<Address> addresses = rabbit.addresses().stream().map(Address::parseAddress).toList();
		SSLContext ssl = (rabbit.sslBundle() != null && !rabbit.sslBundle().isBlank())
				? sslBundles.getBundle(rabbit.sslBundle()).createSslContext() : null;
		return new RabbitBackplane(nodeId,
				new RabbitBackplane.Settings(addresses, rabbit.virtualHost(), rabbit.username(), rabbit.password(), ssl,
						rabbit.heartbeat(), rabbit.recoveryInterval(), rabbit.maxRecoveryInterval(), rabbit.exchange(),
						rabbit.maxQueued(), rabbit.queueMaxLength()));
	}

	@Bean
	static BackplaneHealthIndicator heraldBackplaneHealthIndicator(Backplane heraldBackplane) {
		return new BackplaneHealthIndicator(heraldBackplane);
	}

	@Bean
	static Broker heraldBroker(HeraldProperties properties, Authenticator authenticator, DestinationPolicy policy,
			ScheduledExecutorService heraldTimer, Backplane heraldBackplane) {
		HeraldProperties.Limits limits = properties.limits();
		FrameLimits frameLimits = new FrameLimits((int) limits.maxFrameSize().toBytes(),
				(int) limits.maxHeaderLineSize().toBytes(), limits.maxHeaders());
		SessionSettings settings = new SessionSettings(frameLimits, limits.maxSubscriptionsPerSession(),
				limits.outboundBufferSize().toBytes(), properties.heartbeat().sendInterval().toMillis(),
				properties.heartbeat().receiveInterval().toMillis(), properties.heartbeat().minInterval().toMillis(),
				limits.connectTimeout().toMillis(), limits.maxTransactionFrames(), limits.maxUnackedPerSubscription(),
				"Herald/" + version());
		MemoryBudget memory = new MemoryBudget(limits.maxMemoryBytes());
		QueueLimits queueLimits = properties.queues().limits(memory.maxBytes());
		Router router = new Router(queueLimits,
				properties.topics().settings(memory.maxBytes(), properties.demo().enabled()),
				properties.routing().matchCacheSize(), limits.maxDestinationSegments(), heraldBackplane, memory);
		AbuseLimits abuseLimits = new AbuseLimits(limits.maxConnections(), limits.maxConnectionsPerAddress(),
				limits.inboundFramesPerSecond(), limits.inboundBytesPerSecond().toBytes(),
				limits.maxLoginDelay().toMillis());
		Broker broker = new Broker(settings, router, authenticator, policy, abuseLimits, heraldTimer, heraldTimer,
				System::nanoTime, Clock.systemUTC(), heraldBackplane.nodeId(), memory);
		heraldBackplane.start(router);
		// history TTLs and idempotency windows are enforced on publish too; the sweep
		// gives
		// back what topics nobody publishes to any more still hold
		heraldTimer.scheduleWithFixedDelay(router::sweepTopics, 1, 1, TimeUnit.SECONDS);
		long timeout = queueLimits.idleTimeout().toMillis();
		if (timeout > 0) {
			long every = Math.max(100, Math.min(timeout / 4, 30_000));
			heraldTimer.scheduleWithFixedDelay(() -> router.retireIdleQueues(System.nanoTime()), every, every,
					TimeUnit.MILLISECONDS);
		}
		return broker;
	}

	@Bean
	static BrokerMetrics heraldBrokerMetrics(Broker broker) {
		return new BrokerMetrics(broker);
	}

	/**
	 * The node second by second, and each destination's rates, sampled once a second on
	 * the broker's timer.
	 */
	@Bean
	static Throughput heraldThroughput(Broker broker, DestinationRates heraldDestinationRates,
			ScheduledExecutorService heraldTimer) {
		BrokerStats stats = broker.stats();
		Throughput throughput = new Throughput(() -> {
			SessionTraffic traffic = broker.traffic();
			return new Throughput.Totals(stats.messagesPublished(), stats.messagesDelivered(), traffic.bytesIn(),
					traffic.bytesOut(), broker.sessionCount(), stats.slowConsumers(), stats.takeDeliveryLatencies());
		}, System::nanoTime, Clock.systemUTC());
		Runnable sample = () -> {
			throughput.sample();
			heraldDestinationRates.sample(broker.destinations(), System.nanoTime());
		};
		sample.run();
		heraldTimer.scheduleAtFixedRate(sample, 1, 1, TimeUnit.SECONDS);
		return throughput;
	}

	@Bean
	static DestinationRates heraldDestinationRates() {
		return new DestinationRates();
	}

	@Bean
	static AdminController heraldAdminController(Broker broker, Throughput heraldThroughput,
			DestinationRates heraldDestinationRates, EventLoopGroup heraldEventLoops, Backplane heraldBackplane) {
		return new AdminController(broker, version(), Clock.systemUTC(), heraldThroughput, heraldDestinationRates,
				() -> eventLoopBacklog(heraldEventLoops), heraldBackplane);
	}

	@Bean
	static PublishController heraldPublishController(Broker broker, HeraldProperties properties) {
		return new PublishController(broker.publisher(), broker.memory(),
				(int) properties.limits().maxFrameSize().toBytes());
	}

	@Bean
	static PresenceController heraldPresenceController(Broker broker) {
		return new PresenceController(broker.publisher());
	}

	/** Tasks waiting in each event loop of the group. */
	private static List<Integer> eventLoopBacklog(EventLoopGroup loops) {
		List<Integer> backlog = new ArrayList<>();
		for (EventExecutor loop : loops) {
			backlog.add((loop instanceof SingleThreadEventExecutor executor) ? executor.pendingTasks() : 0);
		}
		return backlog;
	}

	/**
	 * The dashboard at {@code /admin/} and the demo at {@code /demo/}: their pages are
	 * static resources of the jar.
	 */
	@Bean
	static WebMvcConfigurer heraldPageRoutes() {
		return new WebMvcConfigurer() {
			@Override
			public void addViewControllers(ViewControllerRegistry registry) {
				for (String pages : List.of("/admin", "/demo")) {
					registry.addRedirectViewController(pages, pages + "/");
					registry.addViewController(pages + "/").setViewName("forward:" + pages + "/index.html");
				}
			}
		};
	}

	@Bean
	static MemoryAlarmHealthIndicator heraldMemoryHealthIndicator(Broker broker) {
		return new MemoryAlarmHealthIndicator(broker.memory());
	}

	@Bean
	static HeraldMessagingTemplate heraldMessagingTemplate(Broker broker) {
		return new HeraldMessagingTemplate(broker);
	}

	/**
	 * The Netty event loops of the HTTP edge and STOMP/TCP: epoll where the platform has
	 * it, NIO elsewhere.
	 */
	@Bean(destroyMethod = "shutdownGracefully")
	static EventLoopGroup heraldEventLoops(HeraldProperties properties) {
		IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		return new MultiThreadIoEventLoopGroup(properties.eventLoopCount(), daemonThreads("herald-io"), io);
	}

	/**
	 * The servlet container (SockJS, actuator, the admin API) listens on loopback on any
	 * free port, plain: the public port ({@code server.port}, {@code server.address},
	 * {@code server.ssl.bundle}) is the Netty edge's, which relays to it.
	 */
	@Bean
	static WebServerFactoryCustomizer<ConfigurableWebServerFactory> heraldServletBehindTheEdge() {
		return new ServletBehindTheEdge();
	}

	@Bean
	static HeraldLifecycle heraldLifecycle(Broker broker, HeraldProperties properties, Authenticator authenticator,
			EventLoopGroup heraldEventLoops, ConfigurableEnvironment environment, SslBundles sslBundles,
			ApplicationEventPublisher events) throws SSLException {
		HeraldProperties.Tcp tcp = properties.tcp();
		StompTcpServer server = null;
		if (tcp.port() >= 0) {
			SslContext ssl = null;
			if (tcp.sslBundle() != null && !tcp.sslBundle().isBlank()) {
				ssl = nettySslContext(sslBundles.getBundle(tcp.sslBundle()));
			}
			server = new StompTcpServer(broker, tcp.host(), tcp.port(), ssl, heraldEventLoops);
		}
		String bundle = environment.getProperty("server.ssl.bundle");
		boolean classicTls = environment.getProperty("server.ssl.key-store") != null
				|| environment.getProperty("server.ssl.certificate") != null;
		if (classicTls && (bundle == null || bundle.isBlank())) {
			throw new IllegalStateException("server.ssl.key-store and server.ssl.certificate are not supported: "
					+ "Herald serves the public port itself, from a Spring Boot SSL bundle; define one under "
					+ "spring.ssl.bundle.* and name it in server.ssl.bundle");
		}
		SslContext edgeSsl = (bundle != null && !bundle.isBlank()) ? nettySslContext(sslBundles.getBundle(bundle))
				: null;
		HeraldProperties.WebSocket websocket = properties.websocket();
		AtomicInteger servletPort = new AtomicInteger();
		WebSocketEdge.ChannelTypes types = Epoll.isAvailable()
				? new WebSocketEdge.ChannelTypes(EpollServerSocketChannel.class, EpollSocketChannel.class)
				: new WebSocketEdge.ChannelTypes(NioServerSocketChannel.class, NioSocketChannel.class);
		WebSocketEdge edge = new WebSocketEdge(broker, new TokenHandshakeInterceptor(authenticator),
				environment.getProperty("server.address", "0.0.0.0"),
				environment.getProperty("server.port", Integer.class, 8080), websocket.path(), edgeSsl,
				websocket.allowedOrigins(), (int) properties.limits().maxFrameSize().toBytes(),
				properties.limits().connectTimeout().toMillis(), heraldEventLoops, types,
				() -> new InetSocketAddress(InetAddress.getLoopbackAddress(), servletPort.get()));
		return new HeraldLifecycle(broker, server, edge, servletPort, environment, events,
				properties.shutdown().drainPeriod());
	}

	/** The bundle's key material and options, for the Netty TLS handler of STOMP/TCP. */
	private static SslContext nettySslContext(SslBundle bundle) throws SSLException {
		SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory());
		SslOptions options = bundle.getOptions();
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(List.of(options.getCiphers()));
		}
		return builder.build();
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
		TokenHandshakeInterceptor tokens = new TokenHandshakeInterceptor(this.authenticator);
		if (websocket.sockjsPath() != null && !websocket.sockjsPath().isEmpty()) {
			registry.addHandler(new StompSockJsHandler(this.broker, this.webSocketWriters), websocket.sockjsPath())
				.addInterceptors(tokens)
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
