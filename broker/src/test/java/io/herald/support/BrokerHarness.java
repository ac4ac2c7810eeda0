package io.herald.support;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.FrameLimits;
import io.herald.routing.InterestListener;
import io.herald.routing.QueueLimits;
import io.herald.routing.Router;
import io.herald.routing.TopicRules;
import io.herald.routing.TopicSettings;
import io.herald.security.AnonymousAuthenticator;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;
import io.herald.session.AbuseLimits;
import io.herald.session.Broker;
import io.herald.session.SessionSettings;

/**
 * A {@link Broker} on a {@link ManualScheduler}, with helpers that open sessions on
 * {@link RecordingConnection}s. Everything runs on the test's thread: after each client
 * action the harness runs what the broker's timer has due now (session clean-up), so a
 * test sees the same order of events as production, deterministically.
 */
public final class BrokerHarness {

	public static final String CLIENT_ADDRESS = "192.0.2.1";

	private final ManualScheduler scheduler = new ManualScheduler();

	private final Broker broker;

	private BrokerHarness(Builder builder) {
		Router router = new Router(QueueLimits.ofLength(builder.maxQueueLength),
				new TopicSettings(builder.topicRules, 1_000, 16 * 1024 * 1024, builder.presenceMaxListed),
				builder.matchCacheSize, Router.DEFAULT_MAX_DESTINATION_SEGMENTS, InterestListener.NONE,
				MemoryBudget.UNBOUNDED);
		Authenticator authenticator = builder.testAuthenticator ? new TestAuthenticator(this.scheduler.clock())
				: builder.authenticator;
		this.broker = new Broker(builder.settings.build(), router, authenticator, builder.policy, builder.abuseLimits,
				this.scheduler, this.scheduler, this.scheduler::nanoTime, this.scheduler.clock(), "test",
				builder.memory);
	}

	public static BrokerHarness create() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	public Broker broker() {
		return this.broker;
	}

	public ManualScheduler scheduler() {
		return this.scheduler;
	}

	/** Opens a connection from the default client address; nothing sent yet. */
	public StompClient open() {
		return open(CLIENT_ADDRESS, null);
	}

	public StompClient open(String address) {
		return open(address, null);
	}

	/**
	 * @param handshakeToken a token presented before STOMP began, or {@code null}
	 */
	public StompClient open(String address, String handshakeToken) {
		RecordingConnection connection = new RecordingConnection(address, handshakeToken);
		connection.bind(this.broker.open(connection));
		this.scheduler.runDue();
		return new StompClient(this, connection);
	}

	/** Opens a connection and connects with STOMP 1.2 and the given extra headers. */
	public StompClient connect(String... headers) {
		StompClient client = open();
		client.connect(headers);
		return client;
	}

	/**
	 * Opens a connection and connects as the named user, with passcode {@code secret}:
	 * build the harness with {@link Builder#testAuthenticator()}, since the anonymous
	 * default ignores the login.
	 */
	public StompClient connectAs(String login) {
		return connect("login", login, "passcode", "secret");
	}

	public void advanceMillis(long millis) {
		this.scheduler.advanceMillis(millis);
	}

	public void runDue() {
		this.scheduler.runDue();
	}

	/** Builds a harness; every part defaults to what production defaults to. */
	public static final class Builder {

		private final SettingsBuilder settings = new SettingsBuilder();

		private Authenticator authenticator = new AnonymousAuthenticator();

		private boolean testAuthenticator;

		private DestinationPolicy policy = DestinationPolicy.ALLOW_ALL;

		private AbuseLimits abuseLimits = AbuseLimits.DEFAULT;

		private int maxQueueLength = 10_000;

		private int matchCacheSize = 1024;

		private MemoryBudget memory = MemoryBudget.UNBOUNDED;

		private TopicRules topicRules = TopicRules.NONE;

		private int presenceMaxListed = TopicSettings.DEFAULT_PRESENCE_MAX_LISTED;

		private Builder() {
		}

		public Builder settings(java.util.function.Consumer<SettingsBuilder> customizer) {
			customizer.accept(this.settings);
			return this;
		}

		public Builder authenticator(Authenticator authenticator) {
			this.authenticator = authenticator;
			return this;
		}

		/** Uses a {@link TestAuthenticator} on the harness's clock. */
		public Builder testAuthenticator() {
			this.testAuthenticator = true;
			return this;
		}

		public Builder policy(DestinationPolicy policy) {
			this.policy = policy;
			return this;
		}

		public Builder abuseLimits(AbuseLimits abuseLimits) {
			this.abuseLimits = abuseLimits;
			return this;
		}

		public Builder maxQueueLength(int maxQueueLength) {
			this.maxQueueLength = maxQueueLength;
			return this;
		}

		public Builder memory(MemoryBudget memory) {
			this.memory = memory;
			return this;
		}

		public Builder matchCacheSize(int matchCacheSize) {
			this.matchCacheSize = matchCacheSize;
			return this;
		}

		/** What topics remember and what their slow subscribers get. */
		public Builder topicRules(TopicRules.Rule... rules) {
			this.topicRules = new TopicRules(java.util.List.of(rules));
			return this;
		}

		/** Rooms of more sessions tell their presence watchers counts only. */
		public Builder presenceMaxListed(int presenceMaxListed) {
			this.presenceMaxListed = presenceMaxListed;
			return this;
		}

		public BrokerHarness build() {
			return new BrokerHarness(this);
		}

	}

	/** {@link SessionSettings} one value at a time, starting from the defaults. */
	public static final class SettingsBuilder {

		private FrameLimits frameLimits = SessionSettings.DEFAULT.frameLimits();

		private int maxSubscriptions = SessionSettings.DEFAULT.maxSubscriptions();

		private long outboundBufferBytes = SessionSettings.DEFAULT.outboundBufferBytes();

		private long heartBeatSendMillis = SessionSettings.DEFAULT.heartBeatSendMillis();

		private long heartBeatReceiveMillis = SessionSettings.DEFAULT.heartBeatReceiveMillis();

		private long heartBeatMinMillis = SessionSettings.DEFAULT.heartBeatMinMillis();

		private long connectTimeoutMillis = SessionSettings.DEFAULT.connectTimeoutMillis();

		private int maxTransactionFrames = SessionSettings.DEFAULT.maxTransactionFrames();

		private int maxUnackedPerSubscription = SessionSettings.DEFAULT.maxUnackedPerSubscription();

		private SettingsBuilder() {
		}

		public SettingsBuilder frameLimits(FrameLimits frameLimits) {
			this.frameLimits = frameLimits;
			return this;
		}

		public SettingsBuilder maxSubscriptions(int maxSubscriptions) {
			this.maxSubscriptions = maxSubscriptions;
			return this;
		}

		public SettingsBuilder outboundBufferBytes(long outboundBufferBytes) {
			this.outboundBufferBytes = outboundBufferBytes;
			return this;
		}

		/** The broker's {@code heart-beat} header: {@code send,receive}. */
		public SettingsBuilder heartBeats(long sendMillis, long receiveMillis) {
			this.heartBeatSendMillis = sendMillis;
			this.heartBeatReceiveMillis = receiveMillis;
			return this;
		}

		/** The floor of what a client asking for faster heart-beats gets. */
		public SettingsBuilder heartBeatMinMillis(long minMillis) {
			this.heartBeatMinMillis = minMillis;
			return this;
		}

		public SettingsBuilder connectTimeoutMillis(long connectTimeoutMillis) {
			this.connectTimeoutMillis = connectTimeoutMillis;
			return this;
		}

		public SettingsBuilder maxTransactionFrames(int maxTransactionFrames) {
			this.maxTransactionFrames = maxTransactionFrames;
			return this;
		}

		public SettingsBuilder maxUnackedPerSubscription(int maxUnackedPerSubscription) {
			this.maxUnackedPerSubscription = maxUnackedPerSubscription;
			return this;
		}

		SessionSettings build() {
			return new SessionSettings(this.frameLimits, this.maxSubscriptions, this.outboundBufferBytes,
					this.heartBeatSendMillis, this.heartBeatReceiveMillis, this.heartBeatMinMillis,
					this.connectTimeoutMillis, this.maxTransactionFrames, this.maxUnackedPerSubscription,
					"Herald/test");
		}

	}

}
