package io.herald.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoverableConnection;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.recovery.AutorecoveringConnection;

import io.herald.protocol.Headers;
import io.herald.protocol.Utf8;
import io.herald.routing.Destination;
import io.herald.routing.InterestListener;
import io.herald.routing.Message;
import io.herald.routing.Router;

/**
 * The nodes of a cluster sharing their topics and user queues through RabbitMQ, over one
 * AMQP connection per node whatever the number of clients.*
 * <ul>
 * <li>A node publishes each topic message its clients sent once, to a topic exchange,
 * with the topic's name as routing key (RabbitMQ's {@code *} and {@code #} are Herald's),
 * marked with the node's id.</li>
 * <li>It receives through one queue of its own (exclusive, deleted with the connection,
 * bounded), bound once per pattern that has local subscribers: on the first local *
 * subscriber of a pattern, unbound after the last ({@link InterestListener}).</li>
 * <li>User queues go the same way through a direct exchange beside it
 * ({@code EXCHANGE.users}, routing key {@code USER/queue/NAME}), bound while the user has
 * a session subscribed to the queue on the node: a message to {@code /user/alice/queue/x}
 * reaches her sessions on every node.</li>
 * <li>What comes back marked with its own id it drops: its own subscribers had those
 * messages from its router directly. So no local subscriber gets a message twice, and
 * each publisher's order holds for every subscriber (one channel per node carries them in
 * order).</li> *
 * <li>The patterns of topic rules that retain are bound from the start and never unbound:
 * every node sees every retained topic's messages, so every node holds every retained
 * value.</li>
 * <li>Lost connections come back by themselves (the client's automatic recovery, which
 * declares the queue again and restores its bindings); while down, topic messages for the
 * other nodes are dropped and counted, local traffic goes on.</li>
 * </ul>
 *
 * <p>
 * Design: the router tells interest and messages on its own threads, under its locks;
 * both are handed to one thread of the backplane, which owns the publishing channel. Its
 * queue is bounded for messages ({@code maxQueued}; beyond it they are dropped and
 * counted), not for bindings, which there are as many of as local patterns.
 */
public final class RabbitBackplane implements Backplane {

	private static final Logger logger = Logger.getLogger(RabbitBackplane.class.getName());

	/** Most bytes of an AMQP routing key. */
	private static final int MAX_ROUTING_KEY = 255;

	/** How the cluster's {@code /queue/NAME} is named in RabbitMQ. */
	static final String QUEUE_PREFIX = "herald.queue.";

	private static final String PRESENCE_JOIN = "join";

	private static final String PRESENCE_LEAVE = "leave";

	private static final String PRESENCE_ALIVE = "alive";

	private static final String PRESENCE_SYNC = "sync";

	private static final String PRESENCE_GONE = "gone";

	/** How often a node says it is alive. */
	private static final long PRESENCE_TICK_MILLIS = 5_000;

	/** A node not heard of for this long is gone, and its members with it. */
	private static final long PRESENCE_SILENCE_NANOS = TimeUnit.SECONDS.toNanos(15);

	/** Unacknowledged messages RabbitMQ hands a node per queue. */
	private static final int PREFETCH = 100;

	/**
	 * The link's settings ({@code herald.cluster.rabbitmq.*}).
	 *
	 * @param addresses RabbitMQ nodes, tried in order
	 * @param virtualHost the virtual host
	 * @param username the login
	 * @param password the password
	 * @param ssl TLS to RabbitMQ, or {@code null} for plain AMQP
	 * @param heartbeat the AMQP heart-beat asked for
	 * @param recoveryInterval how long to wait between attempts to connect again
	 * @param exchange the topic exchange the nodes share
	 * @param maxQueued most topic messages waiting to be sent upstream
	 * @param queueMaxLength most messages the node's queue holds in RabbitMQ; beyond it
	 * the oldest go
	 */
	public record Settings(List<Address> addresses, String virtualHost, String username, String password,
			SSLContext ssl, Duration heartbeat, Duration recoveryInterval, String exchange, int maxQueued,
			int queueMaxLength) {
	}

	private final String nodeId;

	private final Settings settings;

	private final ScheduledExecutorService loop;

	/**
	 * Topic patterns and user queues with local subscribers: changed by the loop thread,
	 * counted by status().
	 */
	private final Set<Binding> bindings = new LinkedHashSet<>();

	/** Queues declared on this link; the loop thread's. */
	private final Set<String> declared = new java.util.HashSet<>();

	/** Bindings of retaining topics, never unbound; the loop thread's. */
	private final Set<Binding> pinned = new java.util.HashSet<>();

	/** The cluster queues this node's SENDs went to, bounded by max-queues. */
	private final Set<String> sentQueues = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/** Queues with local consumers; the loop thread's. */
	private final Set<String> wanted = new LinkedHashSet<>();

	/** The consuming channel of each queue with local consumers; the loop thread's. */
	private final Map<String, Channel> consumers = new HashMap<>();

	private final AtomicLong lostQueueMessages = new AtomicLong();

	/**
	 * Presence members of other nodes, {@code ROOM\0SESSION} by node; the loop thread's.
	 */
	private final Map<String, Set<String>> remoteMembers = new HashMap<>();

	/** When each other node was last heard of; the loop thread's. */
	private final Map<String, Long> lastHeard = new HashMap<>();

	/** The fanout exchange of presence, {@code EXCHANGE.presence}. */
	private final String presenceExchange;

	private boolean ticking;

	/** The direct exchange of user queues, {@code EXCHANGE.users}. */
	private final String usersExchange;

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private volatile Router router;

	private volatile Connection connection;

	/** Publishes and binds; the loop thread's. */
	private Channel channel;

	private volatile String queue;

	private volatile boolean connected;

	private volatile String problem = "not connected yet";

	private volatile boolean closed;

	public RabbitBackplane(String nodeId, Settings settings) {
		this.nodeId = nodeId;
		this.settings = settings;
		this.usersExchange = settings.exchange() + ".users";
		this.presenceExchange = settings.exchange() + ".presence";
		this.loop = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "herald-cluster");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public void start(Router router) {
		this.router = router;
		router.upstream(this);
		this.loop.execute(() -> {
			for (String pattern : router.retainingPatterns()) {
				Binding binding = binding(new Destination(Destination.Kind.TOPIC, pattern, null));
				if (binding != null) {
					// always bound: every node holds every retained value
					this.pinned.add(binding);
					synchronized (this.bindings) {
						this.bindings.add(binding);
					}
				}
			}
			connect();
		});
	}

	@Override
	public Status status() {
		String detail = this.connected ? this.settings.addresses() + ", queue " + this.queue : this.problem;
		int bound;
		synchronized (this.bindings) {
			bound = this.bindings.size();
		}
		return new Status("rabbitmq", this.connected, detail, bound, this.published.get(), this.received.get(),
				this.dropped.get() + this.lostQueueMessages.get());
	}

	// ---- from the router, on its threads ----

	@Override
	public void interestGained(Destination destination) {
		if (destination.kind() == Destination.Kind.QUEUE) {
			this.loop.execute(() -> consume(destination.name()));
			return;
		}
		Binding binding = binding(destination);
		if (binding != null) {
			this.loop.execute(() -> bind(binding));
		}
	}

	@Override
	public void interestLost(Destination destination) {
		if (destination.kind() == Destination.Kind.QUEUE) {
			this.loop.execute(() -> stopConsuming(destination.name()));
			return;
		}
		Binding binding = binding(destination);
		if (binding != null) {
			this.loop.execute(() -> unbind(binding));
		}
	}

	@Override
	public boolean carriesQueues() {
		return true;
	}

	// ---- presence: every node tells the others of its own members ----

	@Override
	public void memberJoined(String room, String user, String session, String info) {
		this.loop.execute(() -> tell(PRESENCE_JOIN, room, user, session, info));
	}

	@Override
	public void memberLeft(String room, String session) {
		this.loop.execute(() -> tell(PRESENCE_LEAVE, room, null, session, null));
	}

	private void tell(String what, String room, String user, String session, String info) {
		if (!this.connected) {
			// the others hear of it at the next sync
			return;
		}
		Map<String, Object> headers = new HashMap<>();
		headers.put("event", what);
		if (room != null) {
			headers.put("room", room);
			headers.put("session", session);
		}
		if (user != null) {
			headers.put("user", user);
		}
		byte[] body = (info != null) ? info.getBytes(StandardCharsets.UTF_8) : new byte[0];
		if (info != null) {
			headers.put("info", "json");
		}
		try {
			this.channel.basicPublish(this.presenceExchange, "",
					new AMQP.BasicProperties.Builder().appId(this.nodeId).headers(headers).build(), body);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.FINE, "cluster: presence " + what + " not sent", ex);
		}
	}

	/**
	 * Says this node is alive, and forgets the members of nodes that have gone silent.
	 */
	private void presenceTick() {
		tell(PRESENCE_ALIVE, null, null, null, null);
		long now = System.nanoTime();
		for (String node : List.copyOf(this.lastHeard.keySet())) {
			if (now - this.lastHeard.get(node) > PRESENCE_SILENCE_NANOS) {
				forgetNode(node);
			}
		}
	}

	/** On (re)connecting: this node's members for the others, and theirs asked for. */
	private void presenceSync() {
		this.router.forEachLocalMember(this);
		tell(PRESENCE_SYNC, null, null, null, null);
	}

	private void forgetNode(String node) {
		this.lastHeard.remove(node);
		Set<String> members = this.remoteMembers.remove(node);
		if (members != null) {
			for (String member : members) {
				int split = member.indexOf('\u0000');
				this.router.memberLeftElsewhere(member.substring(0, split), member.substring(split + 1));
			}
		}
	}

	/** A presence message from another node; on the loop thread. */
	private void presence(String node, Map<String, Object> headers, byte[] body) {
		this.lastHeard.put(node, System.nanoTime());
		String what = String.valueOf(headers.get("event"));
		switch (what) {
			case PRESENCE_JOIN -> {
				String room = String.valueOf(headers.get("room"));
				String session = String.valueOf(headers.get("session"));
				String info = headers.containsKey("info") ? new String(body, StandardCharsets.UTF_8) : null;
				this.remoteMembers.computeIfAbsent(node, (key) -> new java.util.HashSet<>())
					.add(room + '\u0000' + session);
				this.router.memberJoinedElsewhere(room, String.valueOf(headers.get("user")), session, info);
			}
			case PRESENCE_LEAVE -> {
				String room = String.valueOf(headers.get("room"));
				String session = String.valueOf(headers.get("session"));
				Set<String> members = this.remoteMembers.get(node);
				if (members != null) {
					members.remove(room + '\u0000' + session);
				}
				this.router.memberLeftElsewhere(room, session);
			}
			case PRESENCE_SYNC -> this.router.forEachLocalMember(this);
			case PRESENCE_GONE -> forgetNode(node);
			default -> {
				// alive: heard above
			}
		}
	}

	@Override
	public String enqueue(Destination destination, Message message) {
		String queue = QUEUE_PREFIX + destination.name();
		if (!this.connected) {
			return "cannot store " + destination.clientName() + ": the cluster's RabbitMQ is not reachable ("
					+ this.problem + "); nothing was stored";
		}
		if (!fits(queue)) {
			return "cannot store " + destination.clientName() + ": its name is over RabbitMQ's 255 bytes";
		}
		if (!this.sentQueues.contains(queue)) {
			// every name a SEND makes is a durable queue in RabbitMQ: bounded as local
			// queues are
			if (this.sentQueues.size() >= this.router.maxQueues()) {
				return "queue '" + destination.clientName() + "' cannot be created: this node made "
						+ this.sentQueues.size() + " queues in RabbitMQ, its limit (herald.queues.max-queues)";
			}
			this.sentQueues.add(queue);
		}
		if (this.queued.incrementAndGet() > this.settings.maxQueued()) {
			this.queued.decrementAndGet();
			return "cannot store " + destination.clientName()
					+ ": the link to the cluster's RabbitMQ is behind; nothing was stored";
		}
		this.loop.execute(() -> {
			this.queued.decrementAndGet();
			store(queue, message);
		});
		return null;
	}

	/**
	 * Where a destination goes upstream: a topic to the topic exchange by its name, a
	 * user queue to the users' direct exchange by {@code USER/queue/NAME}; {@code null}
	 * for what stays on the node (queues) or does not fit a routing key.
	 */
	private Binding binding(Destination destination) {
		String key;
		String exchange;
		if (destination.kind() == Destination.Kind.TOPIC) {
			key = destination.name();
			exchange = this.settings.exchange();
		}
		else if (destination.kind() == Destination.Kind.USER && destination.user() != null) {
			key = destination.user() + destination.name();
			exchange = this.usersExchange;
		}
		else {
			return null;
		}
		return fits(key) ? new Binding(exchange, key) : null;
	}

	/** One routing key on one exchange. */
	private record Binding(String exchange, String key) {
	}

	@Override
	public void published(Destination destination, Message message) {
		Binding binding = binding(destination);
		if (!this.connected || binding == null) {
			this.dropped.incrementAndGet();
			return;
		}
		if (this.queued.incrementAndGet() > this.settings.maxQueued()) {
			this.queued.decrementAndGet();
			this.dropped.incrementAndGet();
			return;
		}
		this.loop.execute(() -> {
			this.queued.decrementAndGet();
			send(binding, message);
		});
	}

	private static boolean fits(String routingKey) {
		// a char takes at most three UTF-8 bytes (four for a pair of two chars)
		return routingKey.length() * 3 <= MAX_ROUTING_KEY
				|| routingKey.getBytes(StandardCharsets.UTF_8).length <= MAX_ROUTING_KEY;
	}

	// ---- on the loop thread ----

	private void connect() {
		if (this.closed) {
			return;
		}
		Connection opened = null;
		try {
			ConnectionFactory factory = new ConnectionFactory();
			factory.setVirtualHost(this.settings.virtualHost());
			factory.setUsername(this.settings.username());
			factory.setPassword(this.settings.password());
			factory.setRequestedHeartbeat((int) Math.max(1, this.settings.heartbeat().toSeconds()));
			factory.setAutomaticRecoveryEnabled(true);
			factory.setTopologyRecoveryEnabled(true);
			factory.setNetworkRecoveryInterval(this.settings.recoveryInterval().toMillis());
			factory.setConnectionTimeout(10_000);
			if (this.settings.ssl() != null) {
				factory.useSslProtocol(this.settings.ssl());
			}
			opened = factory.newConnection(this.settings.addresses(), "herald-" + this.nodeId);
			this.channel = opened.createChannel();
			this.channel.exchangeDeclare(this.settings.exchange(), BuiltinExchangeType.TOPIC, true);
			this.channel.exchangeDeclare(this.usersExchange, BuiltinExchangeType.DIRECT, true);
			this.channel.exchangeDeclare(this.presenceExchange, BuiltinExchangeType.FANOUT, true);
			Map<String, Object> arguments = new HashMap<>();
			arguments.put("x-max-length", this.settings.queueMaxLength());
			arguments.put("x-overflow", "drop-head");
			this.queue = this.channel.queueDeclare("", false, true, true, arguments).getQueue();
			Channel consuming = opened.createChannel();
			consuming.basicConsume(this.queue, true, (tag, delivery) -> receive(delivery), (tag) -> {
			});
			this.channel.queueBind(this.queue, this.presenceExchange, "");
			synchronized (this.bindings) {
				for (Binding binding : this.bindings) {
					this.channel.queueBind(this.queue, binding.exchange(), binding.key());
				}
			}
			watch(opened);
			this.connection = opened;
			this.connected = true;
			for (String name : List.copyOf(this.wanted)) {
				consume(name);
			}
			presenceSync();
			if (!this.ticking) {
				this.ticking = true;
				this.loop.scheduleWithFixedDelay(this::presenceTick, PRESENCE_TICK_MILLIS, PRESENCE_TICK_MILLIS,
						TimeUnit.MILLISECONDS);
			}
			logger.info(() -> "cluster: node " + this.nodeId + " connected to RabbitMQ at " + this.settings.addresses()
					+ ", queue " + this.queue);
		}
		catch (IOException | TimeoutException | RuntimeException ex) {
			if (opened != null) {
				// half set up: nothing of it may go on consuming beside the next attempt
				opened.abort();
			}
			this.connected = false;
			this.problem = "cannot reach RabbitMQ at " + this.settings.addresses() + ": " + ex;
			logger.log(Level.WARNING, "cluster: " + this.problem + "; trying again in "
					+ this.settings.recoveryInterval().toMillis() + " ms");
			this.loop.schedule(this::connect, this.settings.recoveryInterval().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Back after an outage: what changed meanwhile is applied (patterns bound and queues
	 * consumed while the link was down; the client's recovery only restores what it had
	 * recorded), the node's queues drop their copies of what RabbitMQ hands out again,
	 * and presence is synced.
	 */
	private void afterRecovery() {
		synchronized (this.bindings) {
			for (Binding binding : this.bindings) {
				try {
					this.channel.queueBind(this.queue, binding.exchange(), binding.key());
				}
				catch (IOException | RuntimeException ex) {
					logger.log(Level.FINE, "cluster: bind " + binding + " after recovery failed", ex);
				}
			}
		}
		for (String name : List.copyOf(this.wanted)) {
			if (this.consumers.containsKey(name)) {
				// its unacknowledged messages come again from RabbitMQ
				this.router.purge(name);
			}
			else {
				consume(name);
			}
		}
		presenceSync();
		logger.info("cluster: RabbitMQ is back, queue " + this.queue);
	}

	/** Follows the connection going down and, by the client's recovery, up again. */
	private void watch(Connection opened) {
		opened.addShutdownListener((cause) -> {
			if (!cause.isInitiatedByApplication()) {
				this.connected = false;
				this.problem = "lost RabbitMQ: " + cause.getMessage();
				logger.warning("cluster: " + this.problem + "; reconnecting");
			}
		});
		if (opened instanceof RecoverableConnection recoverable) {
			recoverable.addRecoveryListener(new RecoveryListener() {
				@Override
				public void handleRecovery(Recoverable recovered) {
					RabbitBackplane.this.connected = true;
					RabbitBackplane.this.loop.execute(RabbitBackplane.this::afterRecovery);
				}

				@Override
				public void handleRecoveryStarted(Recoverable recovering) {
				}
			});
		}
		if (opened instanceof AutorecoveringConnection recovering) {
			// the queue is named by the server: it has a new name after a recovery
			// told of every queue it recovers: only the node's own is named by the server
			recovering.addQueueRecoveryListener((oldName, newName) -> {
				if (oldName.equals(this.queue)) {
					this.queue = newName;
				}
			});
		}
	}

	private void bind(Binding binding) {
		synchronized (this.bindings) {
			this.bindings.add(binding);
		}
		if (this.connected) {
			try {
				this.channel.queueBind(this.queue, binding.exchange(), binding.key());
			}
			catch (IOException | RuntimeException ex) {
				// recovery binds again what the client recorded when the connection is
				// back
				logger.log(Level.FINE, "cluster: bind " + binding + " failed", ex);
			}
		}
	}

	private void unbind(Binding binding) {
		if (this.pinned.contains(binding)) {
			return;
		}
		synchronized (this.bindings) {
			this.bindings.remove(binding);
		}
		if (this.connected) {
			try {
				this.channel.queueUnbind(this.queue, binding.exchange(), binding.key());
			}
			catch (IOException | RuntimeException ex) {
				logger.log(Level.FINE, "cluster: unbind " + binding + " failed", ex);
			}
		}
	}

	/** A queue of the cluster in RabbitMQ: durable, declared once per link. */
	private void declare(Channel on, String queue) throws IOException {
		if (this.declared.add(queue)) {
			on.queueDeclare(queue, true, false, false, null);
		}
	}

	private void store(String queue, Message message) {
		try {
			declare(this.channel, queue);
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().appId(this.nodeId)
				.messageId(message.messageId())
				.headers(amqpHeaders(message))
				.deliveryMode(2)
				.build();
			this.channel.basicPublish("", queue, properties, message.body());
			this.published.incrementAndGet();
		}
		catch (IOException | RuntimeException ex) {
			this.declared.clear();
			this.lostQueueMessages.incrementAndGet();
			logger.log(Level.WARNING, "cluster: a message for " + queue + " could not be stored", ex);
		}
	}

	/**
	 * The node's first consumer of a queue: RabbitMQ hands its messages to this node, a
	 * prefetch at a time, on a channel of their own; each is acknowledged upstream when
	 * it is settled here (acknowledged by its consumer, or written in auto mode). What
	 * the node's queue still held from a previous consumer goes: RabbitMQ has it again.
	 */
	private void consume(String name) {
		this.wanted.add(name);
		if (!this.connected || this.consumers.containsKey(name)) {
			return;
		}
		String queue = QUEUE_PREFIX + name;
		try {
			this.router.purge(name);
			Channel consuming = this.connection.createChannel();
			consuming.basicQos(PREFETCH);
			declare(consuming, queue);
			Destination destination = new Destination(Destination.Kind.QUEUE, name, null);
			consuming.basicConsume(queue, false, (tag, delivery) -> {
				Message message = inbound(delivery, "/queue/" + name);
				long deliveryTag = delivery.getEnvelope().getDeliveryTag();
				message.onSettled(() -> this.loop.execute(() -> acknowledge(consuming, deliveryTag)));
				this.received.incrementAndGet();
				if (!this.router.publishFromUpstream(destination, message).accepted()) {
					// this node's queue is full: RabbitMQ keeps it for another
					this.loop.execute(() -> reject(consuming, deliveryTag));
				}
			}, (tag) -> {
			});
			this.consumers.put(name, consuming);
		}
		catch (IOException | RuntimeException ex) {
			this.declared.clear();
			logger.log(Level.WARNING, "cluster: cannot consume " + queue, ex);
		}
	}

	/**
	 * The node's last consumer of a queue left: what the node held of it goes back to
	 * RabbitMQ (its channel closes, unacknowledged deliveries return to the queue).
	 */
	private void stopConsuming(String name) {
		this.wanted.remove(name);
		Channel consuming = this.consumers.remove(name);
		if (consuming == null) {
			return;
		}
		this.router.purge(name);
		try {
			consuming.close();
		}
		catch (IOException | TimeoutException | RuntimeException ex) {
			logger.log(Level.FINE, "cluster: closing the consumer of " + name, ex);
		}
	}

	private static void acknowledge(Channel consuming, long deliveryTag) {
		try {
			if (consuming.isOpen()) {
				consuming.basicAck(deliveryTag, false);
			}
		}
		catch (IOException | RuntimeException ex) {
			// a channel closed meanwhile gave the message back to RabbitMQ
			logger.log(Level.FINE, "cluster: ack failed", ex);
		}
	}

	private static void reject(Channel consuming, long deliveryTag) {
		try {
			if (consuming.isOpen()) {
				consuming.basicNack(deliveryTag, false, true);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.FINE, "cluster: nack failed", ex);
		}
	}

	private static Map<String, Object> amqpHeaders(Message message) {
		Map<String, Object> headers = new LinkedHashMap<>();
		message.headers().forEach(headers::put);
		return headers;
	}

	private void send(Binding binding, Message message) {
		if (!this.connected) {
			this.dropped.incrementAndGet();
			return;
		}
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().appId(this.nodeId)
			.messageId(message.messageId())
			.headers(amqpHeaders(message))
			.build();
		try {
			this.channel.basicPublish(binding.exchange(), binding.key(), properties, message.body());
			this.published.incrementAndGet();
		}
		catch (IOException | RuntimeException ex) {
			this.dropped.incrementAndGet();
		}
	}

	// ---- on the client's consumer thread ----

	private void receive(Delivery delivery) {
		AMQP.BasicProperties properties = delivery.getProperties();
		if (this.nodeId.equals(properties.getAppId())) {
			// this node's own: its subscribers had it from its router
			return;
		}
		if (this.presenceExchange.equals(delivery.getEnvelope().getExchange())) {
			String node = properties.getAppId();
			Map<String, Object> headers = new HashMap<>();
			if (properties.getHeaders() != null) {
				properties.getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
			}
			byte[] body = delivery.getBody();
			this.loop.execute(() -> presence(node, headers, body));
			return;
		}
		String key = delivery.getEnvelope().getRoutingKey();
		Destination destination;
		String shown;
		if (this.usersExchange.equals(delivery.getEnvelope().getExchange())) {
			// USER/queue/NAME: shown to the user's sessions as /user/queue/NAME
			int slash = key.indexOf('/');
			destination = new Destination(Destination.Kind.USER, key.substring(slash), key.substring(0, slash));
			shown = "/user" + key.substring(slash);
		}
		else {
			destination = new Destination(Destination.Kind.TOPIC, key, null);
			shown = "/topic/" + key;
		}
		this.received.incrementAndGet();
		this.router.publishFromUpstream(destination, inbound(delivery, shown));
	}

	/**
	 * A delivery as the message subscribers see, shown as sent to {@code destination}.
	 */
	private static Message inbound(Delivery delivery, String destination) {
		AMQP.BasicProperties properties = delivery.getProperties();
		Headers.Builder headers = Headers.builder();
		if (properties.getHeaders() != null) {
			properties.getHeaders().forEach((name, value) -> headers.add(name, String.valueOf(value)));
		}
		byte[] body = delivery.getBody();
		return new Message(destination, headers.build(), body, properties.getMessageId(), !Utf8.isValid(body));
	}

	@Override
	public void close() {
		try {
			// the others forget this node's members now, not after its silence
			this.loop.submit(() -> tell(PRESENCE_GONE, null, null, null, null)).get(2, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException | TimeoutException
				| java.util.concurrent.RejectedExecutionException ex) {
			// leaving anyway
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.closed = true;
		this.connected = false;
		// what was handed to the link is sent before it closes, within a bound
		this.loop.shutdown();
		try {
			this.loop.awaitTermination(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.loop.shutdownNow();
		Connection current = this.connection;
		if (current != null) {
			try {
				current.close(2_000);
			}
			catch (IOException | RuntimeException ex) {
				// closing anyway
			}
		}
	}

}
