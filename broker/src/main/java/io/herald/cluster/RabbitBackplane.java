package io.herald.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
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

import io.herald.routing.Destination;
import io.herald.routing.InterestListener;
import io.herald.routing.Message;
import io.herald.routing.Router;

/**
 * The nodes of a cluster sharing their topics and user queues through RabbitMQ, over one
 * AMQP connection per node whatever the number of clients.
 * <ul>
 * <li>A node publishes each topic message its clients sent once, to a topic exchange,
 * with the topic's name as routing key (RabbitMQ's {@code *} and {@code #} are Herald's),
 * marked with the node's id.</li>
 * <li>It receives through one queue of its own (exclusive, deleted with the connection,
 * bounded), bound once per pattern that has local subscribers: on the first local
 * subscriber of a pattern, unbound after the last ({@link InterestListener}).</li>
 * <li>User queues go the same way through a direct exchange beside it
 * ({@code EXCHANGE.users}, routing key {@code USER/queue/NAME}), bound while the user has
 * a session subscribed to the queue on the node: a message to {@code /user/alice/queue/x}
 * reaches her sessions on every node.</li>
 * <li>What comes back marked with its own id it drops: its own subscribers had those
 * messages from its router directly. So no local subscriber gets a message twice, and
 * each publisher's order holds for every subscriber (one channel per node carries them in
 * order).</li>
 * <li>The patterns of topic rules that retain are bound from the start and never unbound:
 * every node sees every retained topic's messages, so every node holds every retained
 * value.</li>
 * <li>Retained values published before a node connected are handed to it by the others
 * when it asks ({@code sync}), straight into its queue; a value it has already wins.</li>
 * <li>The cluster's queues are {@link QueueLink}'s, presence is
 * {@link PresenceLink}'s.</li>
 * <li>Lost connections come back by themselves (the client's automatic recovery, which
 * declares the queue again and restores its bindings); while down, topic messages for the
 * other nodes are dropped and counted, local traffic goes on. A channel RabbitMQ closes
 * while the connection lives (an exchange deleted, the node's queue deleted) is opened
 * again, and readiness is down until it is.</li>
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

	/** How the cluster's {@code /queue/NAME} is named in RabbitMQ. */
	static final String QUEUE_PREFIX = QueueLink.QUEUE_PREFIX;

	/** The AMQP type of a retained value handed to a node that asked. */
	private static final String RETAINED_TYPE = "herald.retained";

	/** The header naming the topic of a handed-over retained value. */
	private static final String TOPIC_HEADER = Amqp.INTERNAL_PREFIX + "topic";

	/** How long to wait before opening a channel RabbitMQ closed again, at first. */
	private static final long REOPEN_MILLIS = 1_000;

	private static final long MAX_REOPEN_MILLIS = 30_000;

	/**
	 * The link's settings ({@code herald.cluster.rabbitmq.*}).
	 *
	 * @param addresses RabbitMQ nodes, tried in order
	 * @param virtualHost the virtual host
	 * @param username the login
	 * @param password the password
	 * @param ssl TLS to RabbitMQ, or {@code null} for plain AMQP
	 * @param heartbeat the AMQP heart-beat asked for
	 * @param recoveryInterval how long to wait before the first attempt to connect again,
	 * doubled after each that fails
	 * @param maxRecoveryInterval the longest wait between attempts
	 * @param exchange the topic exchange the nodes share
	 * @param maxQueued most topic messages waiting to be sent upstream
	 * @param queueMaxLength most messages the node's queue holds in RabbitMQ; beyond it
	 * the oldest go
	 */
	public record Settings(List<Address> addresses, String virtualHost, String username, String password,
			SSLContext ssl, Duration heartbeat, Duration recoveryInterval, Duration maxRecoveryInterval,
			String exchange, int maxQueued, int queueMaxLength) {
	}

	private final String nodeId;

	private final Settings settings;

	private final ScheduledExecutorService loop;

	private final QueueLink queues;

	private final PresenceLink presence;

	/**
	 * Topic patterns and user queues with local subscribers: changed by the loop thread,
	 * counted by status().
	 */
	private final Set<Binding> bindings = new LinkedHashSet<>();

	/** Bindings of retaining topics, never unbound; the loop thread's. */
	private final Set<Binding> pinned = new java.util.HashSet<>();

	/** The fanout exchange of presence, {@code EXCHANGE.presence}. */
	private final String presenceExchange;

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

	/** Consumes the node's queue; the loop thread's. */
	private Channel consuming;

	private volatile String queue;

	private volatile boolean connected;

	/** Why RabbitMQ blocks the connection's publishers, or null. */
	private volatile String blocked;

	/** Why a channel of the link is closed though the connection is up, or null. */
	private volatile String broken;

	private volatile String problem = "not connected yet";

	private volatile boolean closed;

	private boolean ticking;

	/** Failed attempts to connect so far; the loop thread's. */
	private int attempts;

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
		this.queues = new QueueLink(nodeId, this.loop, () -> this.connected ? null : this.problem,
				settings.maxQueued());
		this.presence = new PresenceLink(this::sendPresence);
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public void start(Router router) {
		this.router = router;
		this.queues.start(router);
		this.presence.start(router);
		router.upstream(this);
		onLoop(() -> {
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
		String down = down();
		String detail = (down == null) ? this.settings.addresses() + ", queue " + this.queue : down;
		int bound;
		synchronized (this.bindings) {
			bound = this.bindings.size();
		}
		return new Status("rabbitmq", down == null, detail, bound, this.published.get() + this.queues.stored(),
				this.received.get() + this.queues.received(), this.dropped.get() + this.queues.refused());
	}

	/** Why the link does not do all it should now, or {@code null} while it does. */
	private String down() {
		if (!this.connected) {
			return this.problem;
		}
		if (this.blocked != null) {
			return this.blocked;
		}
		String channelProblem = this.broken;
		return (channelProblem != null) ? channelProblem : this.queues.problem();
	}

	// ---- from the router, on its threads ----

	@Override
	public void interestGained(Destination destination) {
		if (destination.kind() == Destination.Kind.QUEUE) {
			onLoop(() -> this.queues.consume(destination.name()));
			return;
		}
		Binding binding = binding(destination);
		if (binding != null) {
			onLoop(() -> bind(binding));
		}
	}

	@Override
	public void interestLost(Destination destination) {
		if (destination.kind() == Destination.Kind.QUEUE) {
			onLoop(() -> this.queues.stopConsuming(destination.name()));
			return;
		}
		Binding binding = binding(destination);
		if (binding != null) {
			onLoop(() -> unbind(binding));
		}
	}

	@Override
	public boolean carriesQueues() {
		return true;
	}

	@Override
	public CompletionStage<String> enqueue(Destination destination, Message message) {
		return this.queues.enqueue(destination, message);
	}

	@Override
	public void memberJoined(String room, String user, String session, String info) {
		onLoop(() -> this.presence.joined(room, user, session, info));
	}

	@Override
	public void memberLeft(String room, String session) {
		onLoop(() -> this.presence.left(room, session));
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
		return Amqp.fits(key) ? new Binding(exchange, key) : null;
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
		onLoop(() -> {
			this.queued.decrementAndGet();
			send(binding, message);
		});
	}

	// ---- on the loop thread ----

	/**
	 * Runs a task on the loop thread; a failure of one is logged, not fatal to the loop.
	 */
	private void onLoop(Runnable task) {
		try {
			this.loop.execute(() -> safely(task));
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// the node stops
		}
	}

	private static void safely(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "cluster: a task of the link failed", ex);
		}
	}

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
			// backing off: recoveryInterval, twice that, ... up to maxRecoveryInterval
			factory.setRecoveryDelayHandler(this::recoveryDelay);
			factory.setConnectionTimeout(10_000);
			if (this.settings.ssl() != null) {
				factory.useSslProtocol(this.settings.ssl());
			}
			opened = factory.newConnection(this.settings.addresses(), "herald-" + this.nodeId);
			this.connection = opened;
			openChannel();
			openNodeQueue();
			watch(opened);
			opened.addBlockedListener((reason) -> {
				blocked("RabbitMQ blocks publishers (" + reason + ")");
				logger.warning("cluster: " + this.blocked + "; messages for the other nodes are refused meanwhile");
			}, () -> {
				blocked(null);
				logger.info("cluster: RabbitMQ unblocked publishers");
				// what changed meanwhile
				onLoop(this.presence::connected);
			});
			this.attempts = 0;
			this.connected = true;
			this.queues.opened(opened);
			this.presence.connected();
			if (!this.ticking) {
				this.ticking = true;
				this.loop.scheduleWithFixedDelay(() -> safely(this.presence::tick), PresenceLink.TICK_MILLIS,
						PresenceLink.TICK_MILLIS, TimeUnit.MILLISECONDS);
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
			long delay = recoveryDelay(++this.attempts);
			logger.log(Level.WARNING, "cluster: " + this.problem + "; trying again in " + delay + " ms");
			this.loop.schedule(() -> safely(this::connect), delay, TimeUnit.MILLISECONDS);
		}
	}

	/** The wait before the attempt-th attempt to connect (again): doubling, capped. */
	private long recoveryDelay(int attempt) {
		long first = this.settings.recoveryInterval().toMillis();
		long cap = this.settings.maxRecoveryInterval().toMillis();
		int doublings = Math.min(Math.max(0, attempt - 1), 20);
		return Math.min(cap, first << doublings);
	}

	/**
	 * The channel that publishes topic messages and presence and binds the node's queue,
	 * with the exchanges it needs. RabbitMQ closing it while the connection lives (an
	 * exchange deleted under it) opens it again.
	 */
	private void openChannel() throws IOException {
		Channel opened = this.connection.createChannel();
		opened.exchangeDeclare(this.settings.exchange(), BuiltinExchangeType.TOPIC, true);
		opened.exchangeDeclare(this.usersExchange, BuiltinExchangeType.DIRECT, true);
		opened.exchangeDeclare(this.presenceExchange, BuiltinExchangeType.FANOUT, true);
		opened.addShutdownListener((cause) -> {
			if (!cause.isInitiatedByApplication() && !cause.isHardError()) {
				this.broken = "RabbitMQ closed the publishing channel: " + Amqp.reason(cause);
				logger.warning("cluster: " + this.broken + "; opening it again");
				onLoop(() -> reopen(opened));
			}
		});
		this.channel = opened;
	}

	/**
	 * The node's own queue (exclusive, deleted with the connection, bounded), consumed
	 * and bound to presence and to every binding the node needs.
	 */
	private void openNodeQueue() throws IOException {
		Map<String, Object> arguments = new HashMap<>();
		arguments.put("x-max-length", this.settings.queueMaxLength());
		arguments.put("x-overflow", "drop-head");
		this.queue = this.channel.queueDeclare("", false, true, true, arguments).getQueue();
		Channel opened = this.connection.createChannel();
		opened.basicConsume(this.queue, true, (tag, delivery) -> receive(delivery), (tag) -> {
			// the queue was deleted under the node: a new one, bound as the old was
			this.broken = "RabbitMQ deleted the node's queue " + this.queue;
			logger.warning("cluster: " + this.broken + "; declaring a new one");
			onLoop(() -> reopen(opened));
		});
		opened.addShutdownListener((cause) -> {
			if (!cause.isInitiatedByApplication() && !cause.isHardError()) {
				this.broken = "RabbitMQ closed the consuming channel: " + Amqp.reason(cause);
				onLoop(() -> reopen(opened));
			}
		});
		this.consuming = opened;
		this.channel.queueBind(this.queue, this.presenceExchange, "");
		synchronized (this.bindings) {
			for (Binding binding : this.bindings) {
				this.channel.queueBind(this.queue, binding.exchange(), binding.key());
			}
		}
	}

	/**
	 * Opens again what RabbitMQ closed under a living connection ({@code failed}, the
	 * publishing channel or the node queue's consumer), trying again with a growing delay
	 * until it can; an outage meanwhile leaves it to {@link #afterRecovery}.
	 */
	private void reopen(Channel failed) {
		reopen(failed, REOPEN_MILLIS);
	}

	private void reopen(Channel failed, long delayMillis) {
		if (this.closed || !this.connected || (failed != this.channel && failed != this.consuming)) {
			return;
		}
		try {
			if (failed == this.channel || !this.channel.isOpen()) {
				openChannel();
			}
			Amqp.abort(this.consuming);
			openNodeQueue();
			this.broken = null;
			this.presence.connected();
			logger.info("cluster: channels opened again, queue " + this.queue);
		}
		catch (IOException | RuntimeException ex) {
			this.broken = "cannot open a channel to RabbitMQ again: " + Amqp.reason(ex);
			logger.warning("cluster: " + this.broken + "; trying again in " + delayMillis + " ms");
			Channel retry = (failed == this.channel) ? this.channel : this.consuming;
			this.loop.schedule(() -> safely(() -> reopen(retry, Math.min(MAX_REOPEN_MILLIS, delayMillis * 2))),
					delayMillis, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Back after an outage: what changed meanwhile is applied (patterns bound while the
	 * link was down; the client's recovery only restores what it had recorded), the
	 * queues' channels come again, and presence and retained values are synced.
	 */
	private void afterRecovery() {
		if (this.broken != null) {
			// a channel RabbitMQ had closed before the outage
			reopen(this.channel.isOpen() ? this.consuming : this.channel);
		}
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
		this.queues.recovered();
		this.presence.connected();
		logger.info("cluster: RabbitMQ is back, queue " + this.queue);
	}

	/** Follows the connection going down and, by the client's recovery, up again. */
	private void watch(Connection opened) {
		opened.addShutdownListener((cause) -> {
			if (!cause.isInitiatedByApplication()) {
				this.connected = false;
				this.problem = "lost RabbitMQ: " + cause.getMessage();
				// a new connection is blocked anew if the alarm is still on
				blocked(null);
				logger.warning("cluster: " + this.problem + "; reconnecting");
			}
		});
		if (opened instanceof RecoverableConnection recoverable) {
			recoverable.addRecoveryListener(new RecoveryListener() {
				@Override
				public void handleRecovery(Recoverable recovered) {
					RabbitBackplane.this.connected = true;
					RabbitBackplane.this.onLoop(RabbitBackplane.this::afterRecovery);
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

	private void blocked(String why) {
		this.blocked = why;
		this.queues.blocked(why);
	}

	private void send(Binding binding, Message message) {
		if (!this.connected || this.blocked != null) {
			this.dropped.incrementAndGet();
			return;
		}
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().appId(this.nodeId)
			.messageId(message.messageId())
			.headers(Amqp.headers(message))
			.build();
		try {
			this.channel.basicPublish(binding.exchange(), binding.key(), properties, message.body());
			this.published.incrementAndGet();
		}
		catch (IOException | RuntimeException ex) {
			this.dropped.incrementAndGet();
		}
	}

	/**
	 * A presence event for the other nodes; a {@code sync} names the node's queue, where
	 * the others hand it their retained values.
	 */
	private void sendPresence(String event, Map<String, Object> headers, byte[] body) {
		if (!this.connected || this.channel == null || this.blocked != null) {
			// the others hear of it at the next snapshot
			return;
		}
		headers.put("event", event);
		AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder().appId(this.nodeId)
			.headers(headers);
		if (PresenceLink.SYNC.equals(event)) {
			properties.replyTo(this.queue);
		}
		try {
			this.channel.basicPublish(this.presenceExchange, "", properties.build(), body);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.FINE, "cluster: presence " + event + " not sent", ex);
		}
	}

	/**
	 * Another node connected and asked: this node's retained values go straight to its
	 * queue, for the topics it holds none of.
	 */
	private void handOverRetained(String replyTo) {
		for (String pattern : this.router.retainingPatterns()) {
			this.router.forEachRetained(new Destination(Destination.Kind.TOPIC, pattern, null), (message) -> {
				Map<String, Object> headers = Amqp.headers(message);
				headers.put(TOPIC_HEADER, message.destination());
				AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().appId(this.nodeId)
					.type(RETAINED_TYPE)
					.messageId(message.messageId())
					.headers(headers)
					.build();
				try {
					this.channel.basicPublish("", replyTo, properties, message.body());
				}
				catch (IOException | RuntimeException ex) {
					logger.log(Level.FINE, "cluster: retained value not handed over", ex);
				}
			});
		}
	}

	// ---- on the client's consumer thread ----

	private void receive(Delivery delivery) {
		AMQP.BasicProperties properties = delivery.getProperties();
		if (this.nodeId.equals(properties.getAppId())) {
			// this node's own: its subscribers had it from its router
			return;
		}
		String exchange = delivery.getEnvelope().getExchange();
		if (this.presenceExchange.equals(exchange)) {
			String node = properties.getAppId();
			Map<String, String> headers = new HashMap<>();
			if (properties.getHeaders() != null) {
				properties.getHeaders().forEach((name, value) -> headers.put(name, String.valueOf(value)));
			}
			String event = String.valueOf(headers.get("event"));
			byte[] body = delivery.getBody();
			String replyTo = properties.getReplyTo();
			onLoop(() -> {
				this.presence.received(node, event, headers, body);
				if (PresenceLink.SYNC.equals(event) && replyTo != null) {
					handOverRetained(replyTo);
				}
			});
			return;
		}
		if (RETAINED_TYPE.equals(properties.getType())) {
			Object topic = (properties.getHeaders() != null) ? properties.getHeaders().get(TOPIC_HEADER) : null;
			String shown = String.valueOf(topic);
			if (topic != null && shown.startsWith("/topic/")) {
				this.router.adoptRetained(new Destination(Destination.Kind.TOPIC, shown.substring(7), null),
						Amqp.inbound(delivery, shown));
			}
			return;
		}
		String key = delivery.getEnvelope().getRoutingKey();
		Destination destination;
		String shown;
		if (this.usersExchange.equals(exchange)) {
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
		this.router.publishFromUpstream(destination, Amqp.inbound(delivery, shown));
	}

	@Override
	public void close() {
		try {
			// the others forget this node's members now, not after its silence
			this.loop.submit(this.presence::leaving).get(2, TimeUnit.SECONDS);
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
		this.queues.close();
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
