package io.herald.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.herald.routing.DestinationPattern;
import io.herald.routing.QueueLimits;
import io.herald.routing.TopicRules;
import io.herald.routing.TopicSettings;
import io.herald.security.AccessRule;
import io.herald.security.Action;
import io.herald.security.Identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code herald.*}. Bound once at start and checked here: a bad value
 * stops the start with a message naming its key. Documented, with units and defaults, in
 * the README's configuration table and {@code config/herald.yml}.
 *
 * @param tcp the raw STOMP/TCP listener
 * @param websocket the WebSocket and SockJS endpoints
 * @param limits per-session bounds
 * @param heartbeat the broker's heart-beat offer
 * @param queues point-to-point queue bounds
 * @param routing bounds of the router's own structures
 * @param security who may connect, publish and subscribe
 * @param eventLoops Netty event loops serving the HTTP port and STOMP/TCP; 0 for one per
 * core
 * @param shutdown how the node leaves
 * @param demo the demo pages at {@code /demo/} * @param topics what topics remember
 * @param cluster how this node shares its topics with the other nodes of a cluster
 */
@ConfigurationProperties("herald")
public record HeraldProperties(@DefaultValue Tcp tcp, @DefaultValue WebSocket websocket, @DefaultValue Limits limits,
		@DefaultValue HeartBeat heartbeat, @DefaultValue Queues queues, @DefaultValue Routing routing,
		@DefaultValue Security security, @DefaultValue("0") int eventLoops, @DefaultValue Shutdown shutdown,
		@DefaultValue Demo demo, @DefaultValue Topics topics, @DefaultValue Cluster cluster) {

	public HeraldProperties {
		check(eventLoops >= 0 && eventLoops <= 1024, "herald.event-loops", "must be between 0 (one per core) and 1024",
				eventLoops);
	}

	/** The number of event loops: {@code herald.event-loops}, or one per core. */
	public int eventLoopCount() {
		return (this.eventLoops > 0) ? this.eventLoops : Runtime.getRuntime().availableProcessors();
	}

	/**
	 * @param port STOMP/TCP port; 0 picks any free port, -1 disables the listener
	 * @param host address to bind
	 * @param sslBundle the Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) to serve
	 * STOMP/TCP over TLS with; empty for plain TCP
	 */
	public record Tcp(@DefaultValue("61613") int port, @DefaultValue("0.0.0.0") String host, String sslBundle) {

		public Tcp {
			check(port >= -1 && port <= 65535, "herald.tcp.port", "must be -1 (off), 0 (any free port) or 1-65535",
					port);
			check(host != null && !host.isBlank(), "herald.tcp.host", "must not be blank", host);
		}

	}

	/**
	 * @param anonymous whether clients without credentials may connect; when it is the
	 * only mode the CONNECT {@code login} header names the user
	 * @param users static users with bcrypt password hashes
	 * @param jwt JWT bearer tokens; on when a secret or a JWKS URI is set
	 * @param rules ordered access rules for SUBSCRIBE and SEND; once there is one,
	 * whatever no rule allows is denied
	 * @param adminRole the role the admin API and actuator endpoints (other than health)
	 * require
	 * @param adminFromLoopback whether requests from the machine itself (a loopback
	 * client address, as the HTTP edge forwards it) reach the admin API and actuator
	 * without a login, as RabbitMQ lets {@code guest} in from localhost only; off in
	 * production
	 */
	public record Security(@DefaultValue("true") boolean anonymous, @DefaultValue List<User> users,
			@DefaultValue Jwt jwt, @DefaultValue List<Rule> rules, @DefaultValue("admin") String adminRole,
			@DefaultValue("true") boolean adminFromLoopback) {

		public Security {
			for (int i = 0; i < users.size(); i++) {
				users.get(i).check("herald.security.users[" + i + "]");
			}
			for (int i = 0; i < rules.size(); i++) {
				rules.get(i).check("herald.security.rules[" + i + "]");
			}
			check(adminRole != null && !adminRole.isBlank(), "herald.security.admin-role", "must not be blank",
					adminRole);
		}

		/**
		 * @param name the login
		 * @param password the bcrypt hash of the password ({@code $2a$…}, optionally
		 * prefixed {@code {bcrypt}}), never the password itself
		 * @param roles the user's roles
		 */
		public record User(String name, String password, @DefaultValue List<String> roles) {

			void check(String key) {
				HeraldProperties.check(name != null && !name.isBlank(), key + ".name", "must not be blank", name);
				HeraldProperties.check(!Identity.isReserved(name), key + ".name",
						"must not start with '" + Identity.ANONYMOUS_PREFIX + "' (the names of anonymous sessions)",
						name);
				HeraldProperties.check(password != null && BCRYPT.matcher(bcryptHash()).matches(), key + ".password",
						"must be a bcrypt hash ($2a$..., $2b$... or $2y$...)", "<hidden>");
			}

			/** The hash without its optional {@code {bcrypt}} prefix. */
			public String bcryptHash() {
				return (password != null && password.startsWith("{bcrypt}")) ? password.substring(8) : password;
			}

		}

		/**
		 * @param secret HMAC secret (HS256), at least 32 bytes; or
		 * @param jwksUri where the issuer publishes its signing keys (RS256/ES256)
		 * @param issuer the required {@code iss}, empty for any
		 * @param audience the required {@code aud}, empty for any
		 * @param clockSkew tolerance of the {@code exp} and {@code nbf} checks
		 * @param userClaim the claim naming the user
		 * @param rolesClaim the claim holding roles (array or space separated)
		 * @param grantsClaim the claim holding destination grants ({@code {"subscribe":
		 * [...], "send": [...]}})
		 */
		public record Jwt(String secret, String jwksUri, String issuer, String audience,
				@DefaultValue("60s") Duration clockSkew, @DefaultValue("sub") String userClaim,
				@DefaultValue("roles") String rolesClaim, @DefaultValue("herald_grants") String grantsClaim) {

			public Jwt {
				check(!StringUtils.hasText(secret) || !StringUtils.hasText(jwksUri), "herald.security.jwt",
						"takes a secret or a jwks-uri, not both", "both");
				check(!StringUtils.hasText(secret)
						|| secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 32,
						"herald.security.jwt.secret", "must be at least 32 bytes (256 bits) for HS256", "<hidden>");
				check(clockSkew != null && !clockSkew.isNegative(), "herald.security.jwt.clock-skew",
						"must not be negative", clockSkew);
				check(StringUtils.hasText(userClaim), "herald.security.jwt.user-claim", "must not be blank", userClaim);
			}

			public boolean enabled() {
				return StringUtils.hasText(this.secret) || StringUtils.hasText(this.jwksUri);
			}

		}

		/**
		 * @param who {@code everyone}, {@code anonymous}, {@code authenticated},
		 * {@code user:NAME} or {@code role:NAME}
		 * @param actions {@code subscribe} and/or {@code send}
		 * @param destinations patterns with routing wildcards and the {@code {user}}
		 * placeholder
		 * @param access {@code allow} (default) or {@code deny}
		 */
		public record Rule(String who, @DefaultValue List<String> actions, @DefaultValue List<String> destinations,
				@DefaultValue("allow") String access) {

			void check(String key) {
				try {
					toAccessRule();
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(key + " " + ex.getMessage(), ex);
				}
			}

			public AccessRule toAccessRule() {
				Set<Action> parsed = EnumSet.noneOf(Action.class);
				for (String action : actions) {
					Action named = Action.parse(action);
					if (named == null) {
						throw new IllegalArgumentException("actions: '" + action + "' is not one of subscribe, send");
					}
					parsed.add(named);
				}
				if (parsed.isEmpty()) {
					throw new IllegalArgumentException("actions: must name subscribe and/or send");
				}
				if (destinations.isEmpty()) {
					throw new IllegalArgumentException("destinations: must name at least one pattern");
				}
				List<DestinationPattern> patterns = new ArrayList<>();
				for (String destination : destinations) {
					patterns.add(DestinationPattern.compile(destination));
				}
				boolean allow = switch ((access != null) ? access.trim().toLowerCase(Locale.ROOT) : "") {
					case "allow" -> true;
					case "deny" -> false;
					default ->
						throw new IllegalArgumentException("access: must be allow or deny, was '" + access + "'");
				};
				return new AccessRule(AccessRule.Who.parse(who), parsed, patterns, allow);
			}

		}

	}

	/**
	 * @param path the STOMP over WebSocket endpoint
	 * @param sockjsPath the SockJS endpoint; empty disables it
	 * @param allowedOrigins origin patterns allowed to open WebSocket and SockJS sessions
	 */
	public record WebSocket(@DefaultValue("/ws") String path, @DefaultValue("/sockjs") String sockjsPath,
			@DefaultValue("*") List<String> allowedOrigins) {

		public WebSocket {
			check(path != null && path.startsWith("/"), "herald.websocket.path", "must start with '/'", path);
			check(sockjsPath == null || sockjsPath.isEmpty() || sockjsPath.startsWith("/"),
					"herald.websocket.sockjs-path", "must be empty or start with '/'", sockjsPath);
		}

	}

	/**
	 * @param maxFrameSize largest inbound frame, headers and body together
	 * @param maxHeaderLineSize longest inbound command or header line
	 * @param maxHeaders most header entries in one inbound frame
	 * @param maxSubscriptionsPerSession most subscriptions one session may hold
	 * @param outboundBufferSize bytes queued for one session before it is disconnected as
	 * a slow consumer
	 * @param connectTimeout time from socket open to the CONNECT frame
	 * @param maxTransactionFrames most frames one open transaction may hold
	 * @param maxUnackedPerSubscription most unacknowledged messages one client-ack
	 * subscription may hold
	 * @param maxConnections most open connections on this node; 0 = unbounded
	 * @param maxConnectionsPerAddress most open connections from one remote address; 0 =
	 * unbounded
	 * @param inboundFramesPerSecond sustained frames per second one session may send; 0 =
	 * unbounded
	 * @param inboundBytesPerSecond sustained bytes per second one session may send; 0 =
	 * unbounded
	 * @param maxLoginDelay longest delay of the ERROR for repeated failed logins from one
	 * address
	 * @param maxMemory the node-wide memory budget (outbound buffers, partly received
	 * frames, open transactions): above it publishing is refused until usage drops below
	 * 80 % of it; empty for 40 % of the maximum heap
	 * @param maxDestinationSegments most {@code .}-separated segments in a SEND or
	 * SUBSCRIBE destination (a topic pattern included); beyond it the frame gets an
	 * ERROR. It bounds what matching one topic can cost (destination × pattern segments)
	 */
	public record Limits(@DefaultValue("2MB") DataSize maxFrameSize, @DefaultValue("8KB") DataSize maxHeaderLineSize,
			@DefaultValue("64") int maxHeaders, @DefaultValue("1000") int maxSubscriptionsPerSession,
			@DefaultValue("4MB") DataSize outboundBufferSize, @DefaultValue("10s") Duration connectTimeout,
			@DefaultValue("1000") int maxTransactionFrames, @DefaultValue("1000") int maxUnackedPerSubscription,
			@DefaultValue("100000") int maxConnections, @DefaultValue("1000") int maxConnectionsPerAddress,
			@DefaultValue("10000") int inboundFramesPerSecond, @DefaultValue("16MB") DataSize inboundBytesPerSecond,
			@DefaultValue("5s") Duration maxLoginDelay, @DefaultValue("32") int maxDestinationSegments,
			DataSize maxMemory) {

		private static final long MAX_BYTES = Integer.MAX_VALUE - 64;

		/** The share of the heap the memory budget takes when none is configured. */
		static final double DEFAULT_MEMORY_SHARE = 0.4;

		/**
		 * The memory budget in bytes: {@code max-memory}, or a share of the heap.
		 */
		public long maxMemoryBytes() {
			return (this.maxMemory != null) ? this.maxMemory.toBytes()
					: (long) (Runtime.getRuntime().maxMemory() * DEFAULT_MEMORY_SHARE);
		}

		public Limits {
			checkSize(maxFrameSize, "herald.limits.max-frame-size", 64);
			checkSize(maxHeaderLineSize, "herald.limits.max-header-line-size", 16);
			check(maxHeaders > 0, "herald.limits.max-headers", "must be positive", maxHeaders);
			check(maxSubscriptionsPerSession > 0, "herald.limits.max-subscriptions-per-session", "must be positive",
					maxSubscriptionsPerSession);
			checkSize(outboundBufferSize, "herald.limits.outbound-buffer-size", 1024);
			check(maxMemory == null || maxMemory.toBytes() >= 1024 * 1024, "herald.limits.max-memory",
					"must be at least 1MB", maxMemory);
			check(connectTimeout != null && connectTimeout.toMillis() > 0, "herald.limits.connect-timeout",
					"must be positive", connectTimeout);
			check(maxTransactionFrames > 0, "herald.limits.max-transaction-frames", "must be positive",
					maxTransactionFrames);
			check(maxUnackedPerSubscription > 0, "herald.limits.max-unacked-per-subscription", "must be positive",
					maxUnackedPerSubscription);
			check(maxConnections >= 0, "herald.limits.max-connections", "must not be negative", maxConnections);
			check(maxConnectionsPerAddress >= 0, "herald.limits.max-connections-per-address", "must not be negative",
					maxConnectionsPerAddress);
			check(inboundFramesPerSecond >= 0, "herald.limits.inbound-frames-per-second", "must not be negative",
					inboundFramesPerSecond);
			check(inboundBytesPerSecond != null && inboundBytesPerSecond.toBytes() >= 0,
					"herald.limits.inbound-bytes-per-second", "must not be negative", inboundBytesPerSecond);
			check(maxLoginDelay != null && !maxLoginDelay.isNegative(), "herald.limits.max-login-delay",
					"must not be negative", maxLoginDelay);
			check(maxDestinationSegments > 0 && maxDestinationSegments <= 1024,
					"herald.limits.max-destination-segments", "must be between 1 and 1024", maxDestinationSegments);
		}

		private static void checkSize(DataSize size, String key, long minBytes) {
			check(size != null && size.toBytes() >= minBytes && size.toBytes() <= MAX_BYTES, key,
					"must be between " + minBytes + " bytes and 2GB", size);
		}

	}

	/**
	 * @param enabled serve the demo (chat and ticker pages, {@code client-js-demo/}) at
	 * {@code /demo/} to everyone; off, the pages need the admin role like every other
	 * path
	 */
	public record Demo(@DefaultValue("true") boolean enabled) {
	}

	/**
	 * @param mode {@code none} (default: a node alone) or {@code rabbitmq} (topics shared
	 * with the other nodes through RabbitMQ)
	 * @param nodeId this node's name in session and message ids and upstream; empty for a
	 * random one
	 * @param rabbitmq the link to RabbitMQ
	 */
	public record Cluster(@DefaultValue("none") String mode, @DefaultValue("") String nodeId,
			@DefaultValue Rabbitmq rabbitmq) {

		public Cluster {
			check(mode.equals("none") || mode.equals("rabbitmq"), "herald.cluster.mode", "must be none or rabbitmq",
					mode);
			check(nodeId.matches("[A-Za-z0-9_-]{0,32}"), "herald.cluster.node-id",
					"must be up to 32 letters, digits, - or _", nodeId);
		}

		/**
		 * @param addresses RabbitMQ nodes as {@code host:port}, tried in order
		 * @param virtualHost the virtual host
		 * @param username the login
		 * @param password the password
		 * @param sslBundle a Spring Boot SSL bundle for AMQPS, or empty for plain AMQP
		 * @param heartbeat the AMQP heart-beat asked for
		 * @param recoveryInterval the wait before the first attempt to connect again,
		 * doubled after each that fails
		 * @param maxRecoveryInterval the longest wait between attempts to connect again
		 * @param exchange the topic exchange the nodes share
		 * @param maxQueued most topic messages waiting to go upstream; beyond, they are
		 * dropped and counted
		 * @param queueMaxLength most messages this node's queue holds in RabbitMQ;
		 * beyond, the oldest go
		 */
		public record Rabbitmq(@DefaultValue("127.0.0.1:5672") List<String> addresses,
				@DefaultValue("/") String virtualHost, @DefaultValue("guest") String username,
				@DefaultValue("guest") String password, String sslBundle, @DefaultValue("10s") Duration heartbeat,
				@DefaultValue("2s") Duration recoveryInterval, @DefaultValue("30s") Duration maxRecoveryInterval,
				@DefaultValue("herald.topics") String exchange, @DefaultValue("100000") int maxQueued,
				@DefaultValue("100000") int queueMaxLength) {

			public Rabbitmq {
				check(!addresses.isEmpty(), "herald.cluster.rabbitmq.addresses", "must name at least one host:port",
						addresses);
				check(recoveryInterval != null && recoveryInterval.toMillis() >= 100,
						"herald.cluster.rabbitmq.recovery-interval", "must be at least 100ms", recoveryInterval);
				check(maxRecoveryInterval != null && maxRecoveryInterval.compareTo(recoveryInterval) >= 0,
						"herald.cluster.rabbitmq.max-recovery-interval", "must not be shorter than recovery-interval",
						maxRecoveryInterval);
				check(maxQueued > 0, "herald.cluster.rabbitmq.max-queued", "must be positive", maxQueued);
				check(queueMaxLength > 0, "herald.cluster.rabbitmq.queue-max-length", "must be positive",
						queueMaxLength);
			}

		}

	}

	/**
	 * @param drainPeriod on shutdown, how long readiness reports DOWN while everything is
	 * still served, so that a load balancer stops sending new clients before the open
	 * sessions are told "server shutting down"; 0 tells them at once
	 */
	public record Shutdown(@DefaultValue("0s") Duration drainPeriod) {

		public Shutdown {
			check(drainPeriod != null && !drainPeriod.isNegative() && drainPeriod.toMinutes() <= 10,
					"herald.shutdown.drain-period", "must be between 0 and 10 minutes", drainPeriod);
		}

	}

	/**
	 * @param sendInterval how often the broker can send heart-beats ({@code cx}); 0 never
	 * @param receiveInterval how often the broker wants heart-beats ({@code cy}); 0 never
	 * @param minInterval the floor for a client that asks for heart-beats more often than
	 * the two intervals above: the broker agrees to what it asks down to this
	 */
	public record HeartBeat(@DefaultValue("10s") Duration sendInterval, @DefaultValue("10s") Duration receiveInterval,
			@DefaultValue("1s") Duration minInterval) {

		public HeartBeat {
			check(sendInterval != null && !sendInterval.isNegative(), "herald.heartbeat.send-interval",
					"must not be negative", sendInterval);
			check(receiveInterval != null && !receiveInterval.isNegative(), "herald.heartbeat.receive-interval",
					"must not be negative", receiveInterval);
			check(minInterval != null && minInterval.toMillis() > 0, "herald.heartbeat.min-interval",
					"must be at least 1ms", minInterval);
		}

	}

	/**
	 * @param maxLength most messages one queue buffers; a SEND beyond it gets an ERROR
	 * @param maxBytes most bytes one queue buffers; a SEND beyond it gets an ERROR
	 * @param maxQueues most queues on the node a SEND may create (a SUBSCRIBE always gets
	 * its queue); a SEND that would create one more gets an ERROR
	 * @param maxMemory most bytes all queues together hold, waiting or awaiting an ACK;
	 * empty for half of {@code herald.limits.max-memory}, so that queues alone cannot
	 * engage the node's memory alarm
	 * @param idleTimeout how long a queue with no message and no consumer is kept; 0
	 * keeps queues forever
	 */
	public record Queues(@DefaultValue("10000") int maxLength, @DefaultValue("16MB") DataSize maxBytes,
			@DefaultValue("10000") int maxQueues, DataSize maxMemory, @DefaultValue("5m") Duration idleTimeout) {

		/** The share of the node's memory budget queues take when none is configured. */
		static final double DEFAULT_MEMORY_SHARE = 0.5;

		public Queues {
			check(maxLength > 0, "herald.queues.max-length", "must be positive", maxLength);
			check(maxBytes != null && maxBytes.toBytes() >= 1024, "herald.queues.max-bytes", "must be at least 1KB",
					maxBytes);
			check(maxQueues > 0, "herald.queues.max-queues", "must be positive", maxQueues);
			check(maxMemory == null || maxMemory.toBytes() >= 1024, "herald.queues.max-memory", "must be at least 1KB",
					maxMemory);
			check(idleTimeout != null && !idleTimeout.isNegative(), "herald.queues.idle-timeout",
					"must not be negative", idleTimeout);
		}

		/**
		 * The queues' bounds, their memory a share of the node's budget unless set.
		 * @param nodeMemory the node's budget in bytes
		 */
		public QueueLimits limits(long nodeMemory) {
			long memory = (this.maxMemory != null) ? this.maxMemory.toBytes()
					: (long) (nodeMemory * DEFAULT_MEMORY_SHARE);
			return new QueueLimits(this.maxLength, this.maxBytes.toBytes(), this.maxQueues, memory, this.idleTimeout);
		}

	}

	/**
	 * @param rules per-destination settings, the first whose {@code destinations} match a
	 * topic winning
	 * @param maxRetained most topics holding a retained value on the node; beyond it the
	 * least recently updated value is evicted
	 * @param maxMemory most bytes retained values hold together (evicting the same way);
	 * empty for a quarter of {@code herald.limits.max-memory}
	 * @param presenceMaxMembers rooms with more sessions than this tell their presence
	 * watchers counts, not members
	 */
	public record Topics(@DefaultValue List<TopicRule> rules, @DefaultValue("100000") int maxRetained,
			DataSize maxMemory, @DefaultValue("1000") int presenceMaxMembers) {

		/**
		 * The share of the node's memory budget retained values take when none is set.
		 */
		static final double DEFAULT_MEMORY_SHARE = 0.25;

		public Topics {
			check(maxRetained > 0, "herald.topics.max-retained", "must be positive", maxRetained);
			check(presenceMaxMembers >= 0, "herald.topics.presence-max-members", "must not be negative",
					presenceMaxMembers);
			check(maxMemory == null || maxMemory.toBytes() >= 1024, "herald.topics.max-memory", "must be at least 1KB",
					maxMemory);
			for (int i = 0; i < rules.size(); i++) {
				rules.get(i).check("herald.topics.rules[" + i + "]");
			}
		}

		/**
		 * The router's topic settings, their memory a share of the node's budget unless
		 * set.
		 * @param demo whether the demo is served: its chat rooms ({@link #DEMO_ROOMS})
		 * then have presence, after the configured rules (which win where they cover
		 * them)
		 */
		public TopicSettings settings(long nodeMemory, boolean demo) {
			long memory = (this.maxMemory != null) ? this.maxMemory.toBytes()
					: (long) (nodeMemory * DEFAULT_MEMORY_SHARE);
			List<TopicRules.Rule> all = new ArrayList<>(this.rules.stream().map(TopicRule::toRule).toList());
			if (demo) {
				all.add(new TopicRules.Rule(List.of(DestinationPattern.compile(DEMO_ROOMS)), TopicRules.Retain.NONE, 0,
						0, 0, TopicRules.SlowConsumer.DISCONNECT, 0, true));
			}
			return new TopicSettings(new TopicRules(all), this.maxRetained, memory, this.presenceMaxMembers);
		}

		/** The demo chat's rooms, which have presence while the demo is served. */
		public static final String DEMO_ROOMS = "/topic/chat.#";

		/**
		 * @param destinations topic patterns, in the grammar of routing and of
		 * {@code herald.security.rules}, such as {@code /topic/prices.#}
		 * @param retain {@code none} (default), {@code last} (every message becomes the
		 * topic's retained value) or {@code on-request} (those sent with
		 * {@code x-herald-retain:true})
		 * @param historySize how many of its last messages each topic keeps, numbered,
		 * for subscribers resuming with {@code x-herald-since} or
		 * {@code x-herald-rewind}; 0 (default) for none
		 * @param historyTtl how long a message stays in the history; 0 (default) for as
		 * long as the size allows
		 * @param idempotencyWindow how long a SEND's {@code x-herald-idempotency-key} is
		 * remembered per sender, so that a retried SEND is not routed again; 0 (default)
		 * for not at all
		 * @param slowConsumer what a subscriber that cannot keep up gets:
		 * {@code disconnect} (default), {@code drop-oldest} or {@code conflate}
		 * @param maxRate the most deliveries per second per destination a subscription
		 * may ask with {@code x-herald-max-rate} (more is lowered to it); 0 (default) for
		 * no cap
		 * @param presence whether its topics are rooms: the sessions subscribed by the
		 * exact name are members, told to {@code /presence/topic/NAME} subscribers
		 */
		public record TopicRule(@DefaultValue List<String> destinations, @DefaultValue("none") String retain,
				@DefaultValue("0") int historySize, @DefaultValue("0s") Duration historyTtl,
				@DefaultValue("0s") Duration idempotencyWindow, @DefaultValue("disconnect") String slowConsumer,
				@DefaultValue("0") double maxRate, @DefaultValue("false") boolean presence) {

			void check(String key) {
				try {
					toRule();
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException(key + " " + ex.getMessage(), ex);
				}
			}

			TopicRules.Rule toRule() {
				if (this.destinations.isEmpty()) {
					throw new IllegalArgumentException("destinations: name at least one, such as /topic/prices.#");
				}
				List<DestinationPattern> patterns = new ArrayList<>();
				for (String destination : this.destinations) {
					if (destination == null || !destination.startsWith("/topic/")) {
						throw new IllegalArgumentException(
								"destinations: topic rules are about /topic/ destinations, was '" + destination + "'");
					}
					patterns.add(DestinationPattern.compile(destination));
				}
				TopicRules.Retain mode = switch (this.retain) {
					case "none" -> TopicRules.Retain.NONE;
					case "last" -> TopicRules.Retain.LAST;
					case "on-request" -> TopicRules.Retain.ON_REQUEST;
					default -> throw new IllegalArgumentException(
							"retain: must be none, last or on-request, was '" + this.retain + "'");
				};
				if (this.historySize < 0 || this.historySize > 1_000_000) {
					throw new IllegalArgumentException(
							"history-size: must be between 0 and 1000000, was " + this.historySize);
				}
				if (this.historyTtl == null || this.historyTtl.isNegative()) {
					throw new IllegalArgumentException("history-ttl: must not be negative, was " + this.historyTtl);
				}
				if (this.idempotencyWindow == null || this.idempotencyWindow.isNegative()) {
					throw new IllegalArgumentException(
							"idempotency-window: must not be negative, was " + this.idempotencyWindow);
				}
				TopicRules.SlowConsumer slow = switch (this.slowConsumer) {
					case "disconnect" -> TopicRules.SlowConsumer.DISCONNECT;
					case "drop-oldest" -> TopicRules.SlowConsumer.DROP_OLDEST;
					case "conflate" -> TopicRules.SlowConsumer.CONFLATE;
					default -> throw new IllegalArgumentException(
							"slow-consumer: must be disconnect, drop-oldest or conflate, was '" + this.slowConsumer
									+ "'");
				};
				if (this.maxRate < 0 || this.maxRate > 1_000) {
					throw new IllegalArgumentException("max-rate: must be between 0 and 1000, was " + this.maxRate);
				}
				return new TopicRules.Rule(patterns, mode, this.historySize, this.historyTtl.toNanos(),
						this.idempotencyWindow.toNanos(), slow, this.maxRate, this.presence);
			}

		}

	}

	/**
	 * @param matchCacheSize most topic names whose matching subscribers the router keeps
	 * cached (topics subscribed by their exact name are kept besides); beyond it, the
	 * topics published to least recently are evicted and found again in the subscription
	 * trie at their next publish
	 */
	public record Routing(@DefaultValue("10000") int matchCacheSize) {

		public Routing {
			check(matchCacheSize > 0, "herald.routing.match-cache-size", "must be positive", matchCacheSize);
		}

	}

	private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");

	private static void check(boolean valid, String key, String rule, Object value) {
		if (!valid) {
			throw new IllegalArgumentException(key + " " + rule + ", was '" + value + "'");
		}
	}

}
