package io.herald.cluster;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import io.herald.routing.Destination;
import io.herald.routing.Message;
import io.herald.routing.Router;

/**
 * The cluster's {@code /queue/NAME}s, kept in RabbitMQ as durable queues
 * {@code herald.queue.NAME}: a node stores its clients' SENDs there and consumes for its
 * local consumers.
 * <ul>
 * <li>Storing is confirmed: a SEND is published persistent and {@code mandatory} on a
 * channel in confirm mode, and its outcome completes when RabbitMQ acknowledges it (the
 * SEND's RECEIPT waits for it), refuses it, returns it unroutable, loses the channel
 * before answering, or does not answer within {@value #CONFIRM_TIMEOUT_SECONDS} s: each
 * of those is an ERROR for the sender, never a silent loss.</li>
 * <li>Queues are declared on a channel of their own: a queue RabbitMQ already has with
 * other arguments (it closes the channel, PRECONDITION_FAILED) is refused by name and the
 * channel opened again, without touching the stores in flight.</li>
 * <li>Consuming: one channel per queue with local consumers, a prefetch at a time; each
 * message is acknowledged upstream once it is settled here (acknowledged by its consumer,
 * or written in auto mode). A message this node's queue has no room for goes back to
 * RabbitMQ after {@value #REQUEUE_DELAY_MILLIS} ms, not at once: no spin while the node
 * is full. A consuming channel RabbitMQ closes, or a consumer it cancels (the queue
 * deleted), is set up again with a growing delay.</li>
 * </ul>
 * Everything but {@link #enqueue} runs on the backplane's loop thread, which owns the
 * channels.
 */
final class QueueLink {

	private static final Logger logger = Logger.getLogger(QueueLink.class.getName());

	/** How the cluster's {@code /queue/NAME} is named in RabbitMQ. */
	static final String QUEUE_PREFIX = "herald.queue.";

	/** Unacknowledged messages RabbitMQ hands a node per queue. */
	private static final int PREFETCH = 100;

	private static final long CONFIRM_TIMEOUT_SECONDS = 10;

	private static final long REQUEUE_DELAY_MILLIS = 500;

	private static final long MIN_RETRY_MILLIS = 1_000;

	private static final long MAX_RETRY_MILLIS = 30_000;

	private final String nodeId;

	private final ScheduledExecutorService loop;

	/** {@code null} while the link to RabbitMQ is up, else why it is not. */
	private final Supplier<String> down;

	private final int maxQueued;

	private final AtomicInteger queued = new AtomicInteger();

	/** The cluster queues this node's SENDs went to, bounded by max-queues. */
	private final Set<String> sentQueues = ConcurrentHashMap.newKeySet();

	private final AtomicLong stored = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong received = new AtomicLong();

	/**
	 * Completes stores and expires them: off the client's connection thread (a session's
	 * RECEIPT or ERROR must not run there) and off the loop (which may wait on RabbitMQ).
	 */
	private final ScheduledExecutorService completer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "herald-cluster-confirms");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * Stores taken and not yet published, with when: the loop claims each by taking it
	 * out, or the completer does when it waited too long (or the node stops).
	 */
	private final Map<CompletableFuture<String>, Long> accepted = new ConcurrentHashMap<>();

	/** Why RabbitMQ blocks this connection's publishers now, or {@code null}. */
	private volatile String blocked;

	/** The storing channel's pending reopening, or {@code null}; the loop thread's. */
	private java.util.concurrent.ScheduledFuture<?> storingRetry;

	private volatile Router router;

	/** Confirmations of the storing channel now; replaced with the channel. */
	private volatile Confirms confirms = Confirms.dead();

	/** Why the node cannot store now though the link is up, or {@code null}. */
	private volatile String broken;

	// ---- the loop thread's ----

	private Connection connection;

	private Channel storing;

	private Channel declaring;

	/** Queues declared on this link. */
	private final Set<String> declared = new java.util.HashSet<>();

	/** Queues with local consumers. */
	private final Set<String> wanted = new LinkedHashSet<>();

	/** The consuming channel of each queue with local consumers. */
	private final Map<String, Channel> consumers = new HashMap<>();

	/** The next delay before setting up a queue's consumer again, by queue. */
	private final Map<String, Long> retryMillis = new HashMap<>();

	QueueLink(String nodeId, ScheduledExecutorService loop, Supplier<String> down, int maxQueued) {
		this.nodeId = nodeId;
		this.loop = loop;
		this.down = down;
		this.maxQueued = maxQueued;
	}

	void start(Router router) {
		this.router = router;
		this.completer.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
	}

	/** Messages stored, refused (not confirmed) and received since start. */
	long stored() {
		return this.stored.get();
	}

	long refused() {
		return this.refused.get();
	}

	long received() {
		return this.received.get();
	}

	/** Why queue SENDs are refused though RabbitMQ is reachable, or {@code null}. */
	String problem() {
		return this.broken;
	}

	// ---- the router's threads ----

	/** Takes a client's SEND to {@code /queue/NAME}; see {@link #store}. */
	CompletionStage<String> enqueue(Destination destination, Message message) {
		String queue = QUEUE_PREFIX + destination.name();
		String down = this.down.get();
		if (down == null) {
			down = (this.broken != null) ? this.broken : this.blocked;
		}
		if (down != null) {
			return refuse("cannot store " + destination.clientName() + ": the cluster's RabbitMQ is not reachable ("
					+ down + "); nothing was stored");
		}
		if (!Amqp.fits(queue)) {
			return refuse("cannot store " + destination.clientName() + ": its name is over RabbitMQ's 255 bytes");
		}
		if (!this.sentQueues.contains(queue)) {
			// every name a SEND makes is a durable queue in RabbitMQ: bounded as local
			// queues are
			if (this.sentQueues.size() >= this.router.maxQueues()) {
				return refuse("queue '" + destination.clientName() + "' cannot be created: this node made "
						+ this.sentQueues.size() + " queues in RabbitMQ, its limit (herald.queues.max-queues)");
			}
			this.sentQueues.add(queue);
		}
		if (this.queued.incrementAndGet() > this.maxQueued) {
			this.queued.decrementAndGet();
			return refuse("cannot store " + destination.clientName()
					+ ": the link to the cluster's RabbitMQ is behind; nothing was stored");
		}
		CompletableFuture<String> outcome = new CompletableFuture<>();
		this.accepted.put(outcome, System.nanoTime());
		try {
			this.loop.execute(() -> {
				this.queued.decrementAndGet();
				if (this.accepted.remove(outcome) == null) {
					// expired while it waited: its sender was told nothing was stored
					return;
				}
				try {
					store(queue, destination.clientName(), message, outcome);
				}
				catch (RuntimeException ex) {
					logger.log(Level.WARNING, "cluster: storing a message for " + queue + " failed", ex);
					complete(outcome, "cannot store " + destination.clientName() + ": " + ex);
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			this.queued.decrementAndGet();
			this.accepted.remove(outcome);
			return refuse("cannot store " + destination.clientName() + ": the node is stopping; nothing was stored");
		}
		return outcome;
	}

	private CompletionStage<String> refuse(String why) {
		this.refused.incrementAndGet();
		return CompletableFuture.completedStage(why);
	}

	// ---- the loop thread ----

	/** The link is up (first connected): channels opened, local consumers served. */
	void opened(Connection opened) throws IOException {
		this.connection = opened;
		openStoring();
		openDeclaring();
		for (String name : List.copyOf(this.wanted)) {
			consume(name);
		}
	}

	/**
	 * RabbitMQ blocks the connection's publishers (a memory or disk alarm), or no longer
	 * ({@code null}): queue SENDs are refused meanwhile, not left waiting.
	 */
	void blocked(String why) {
		this.blocked = why;
	}

	/**
	 * Back after an outage: new storing and declaring channels (what the old storing
	 * channel had not confirmed failed with it), and consumers for the queues wanted
	 * meanwhile (the others came back with the connection).
	 */
	void recovered() {
		this.declared.clear();
		reopenStoring(this.storing);
		try {
			openDeclaring();
		}
		catch (IOException | RuntimeException ex) {
			// opened again by the next declaration that finds it closed
			logger.log(Level.FINE, "cluster: cannot open the declaring channel after recovery", ex);
		}
		for (String name : List.copyOf(this.wanted)) {
			consume(name);
		}
	}

	/**
	 * A channel in confirm mode for stores; the one before it (if any) fails what it had
	 * not confirmed. Opened fresh rather than left to the client's recovery, so its
	 * sequence numbers surely start again with the tracker.
	 */
	private void openStoring() throws IOException {
		Channel previous = this.storing;
		this.storing = null;
		if (previous != null) {
			Amqp.abort(previous);
		}
		fail(this.confirms.kill(), "the link to RabbitMQ was lost before it confirmed: it may or may not be stored");
		Channel channel = this.connection.createChannel();
		if (channel == null) {
			throw new IOException("RabbitMQ has no channel left for this connection (channel_max)");
		}
		try {
			channel.confirmSelect();
		}
		catch (IOException | RuntimeException ex) {
			Amqp.abort(channel);
			throw ex;
		}
		Confirms tracker = new Confirms();
		channel.addConfirmListener((seq, multiple) -> settled(tracker.settle(seq, multiple), null),
				(seq, multiple) -> settled(tracker.settle(seq, multiple), "RabbitMQ refused to store it"));
		channel.addReturnListener((returned) -> {
			Confirms.Pending pending = tracker.get(Long.parseLong(returned.getProperties().getCorrelationId()));
			if (pending != null) {
				// the ack follows: it completes with this
				pending.returned = "RabbitMQ has no queue " + returned.getRoutingKey() + " (" + returned.getReplyText()
						+ ")";
			}
			// deleted under the node: declared again by the next SEND
			this.loop.execute(() -> this.declared.remove(returned.getRoutingKey()));
		});
		channel.addShutdownListener((cause) -> {
			fail(tracker.kill(), "RabbitMQ closed the channel before it confirmed (" + Amqp.reason(cause)
					+ "): it may or may not be stored");
			if (!cause.isInitiatedByApplication() && !cause.isHardError()) {
				// a channel error (the connection lives on): not left to recovery
				this.loop.execute(() -> reopenStoring(channel));
			}
		});
		this.confirms = tracker;
		this.storing = channel;
		this.broken = null;
	}

	/**
	 * Opens the storing channel again in place of {@code failed}, unless another took its
	 * place meanwhile; tried again with a growing delay while the link is up.
	 */
	private void reopenStoring(Channel failed) {
		reopenStoring(failed, MIN_RETRY_MILLIS);
	}

	private void reopenStoring(Channel failed, long delayMillis) {
		if ((this.storing != null && this.storing != failed) || this.down.get() != null) {
			// replaced already, or the connection's recovery calls recovered()
			return;
		}
		if (this.storingRetry != null) {
			// one attempt at a time, whoever asks
			this.storingRetry.cancel(false);
			this.storingRetry = null;
		}
		try {
			openStoring();
		}
		catch (IOException | RuntimeException ex) {
			this.broken = "cannot open a channel to RabbitMQ: " + Amqp.reason(ex);
			logger.warning("cluster: " + this.broken + "; trying again in " + delayMillis + " ms");
			this.storingRetry = this.loop.schedule(
					() -> reopenStoring(failed, Math.min(MAX_RETRY_MILLIS, delayMillis * 2)), delayMillis,
					TimeUnit.MILLISECONDS);
		}
	}

	private void openDeclaring() throws IOException {
		Channel previous = this.declaring;
		if (previous != null) {
			Amqp.abort(previous);
		}
		this.declaring = this.connection.createChannel();
	}

	/**
	 * A queue of the cluster in RabbitMQ: durable, declared once per link.
	 * @return {@code null} once declared, or why RabbitMQ refused it
	 */
	private String declare(String queue) {
		if (this.declared.contains(queue)) {
			return null;
		}
		try {
			this.declaring.queueDeclare(queue, true, false, false, null);
			this.declared.add(queue);
			return null;
		}
		catch (IOException | RuntimeException ex) {
			String why = Amqp.reason(ex);
			try {
				// a refused declaration closed the channel
				openDeclaring();
			}
			catch (IOException | RuntimeException again) {
				logger.log(Level.FINE, "cluster: cannot open the declaring channel again", again);
			}
			return "RabbitMQ refused to declare queue " + queue + ": " + why;
		}
	}

	private void store(String queue, String shownName, Message message, CompletableFuture<String> outcome) {
		Map<String, Object> headers = Amqp.headers(message);
		String refused = (this.storing == null) ? "the link to RabbitMQ is down"
				: (this.blocked != null) ? this.blocked : tooLarge(headers, message.messageId());
		if (refused == null) {
			refused = declare(queue);
		}
		if (refused != null) {
			complete(outcome, "cannot store " + shownName + ": " + refused + "; nothing was stored");
			return;
		}
		Channel channel = this.storing;
		Confirms tracker = this.confirms;
		long seq = channel.getNextPublishSeqNo();
		if (!tracker.add(seq, new Confirms.Pending(outcome, shownName, System.nanoTime()))) {
			complete(outcome, "cannot store " + shownName + ": the link to RabbitMQ is down; nothing was stored");
			return;
		}
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().appId(this.nodeId)
			.messageId(message.messageId())
			.correlationId(Long.toString(seq))
			.headers(headers)
			.deliveryMode(2)
			.build();
		try {
			channel.basicPublish("", queue, true, properties, message.body());
		}
		catch (IOException | RuntimeException ex) {
			// the channel closed meanwhile, or the client refused the message: it counted
			// a sequence number RabbitMQ did not, so the channel's confirmations would
			// name the wrong stores from now on; it is replaced
			Confirms.Pending pending = tracker.remove(seq);
			if (pending != null) {
				// what failed writing may have reached RabbitMQ; what the client refused
				// did not
				complete(outcome, "cannot store " + shownName + ": " + Amqp.reason(ex)
						+ ((ex instanceof IOException) ? ": it may or may not be stored" : "; nothing was stored"));
			}
			Amqp.abort(channel);
			reopenStoring(channel);
		}
	}

	/**
	 * Why a message's headers do not fit RabbitMQ's frame (an AMQP content header is one
	 * frame), or {@code null}: bytes counted exactly only when three per char would not
	 * fit.
	 */
	private String tooLarge(Map<String, Object> headers, String messageId) {
		for (String name : headers.keySet()) {
			if (!Amqp.fits(name)) {
				return "header name '" + name.substring(0, Math.min(40, name.length()))
						+ "...' is over AMQP's 255 bytes";
			}
		}
		if (messageId != null && !Amqp.fits(messageId)) {
			return "its message-id is over AMQP's 255 bytes";
		}
		int frameMax = this.connection.getFrameMax();
		if (frameMax <= 0 || headerBytes(headers, messageId, false) <= frameMax) {
			return null;
		}
		long bytes = headerBytes(headers, messageId, true);
		if (bytes <= frameMax) {
			return null;
		}
		return "its headers take " + bytes + " bytes, over RabbitMQ's frame size of " + frameMax + " bytes";
	}

	/**
	 * A content header's bytes: properties within a fixed allowance, then each header as
	 * AMQP encodes it (a short string, a type, a long string).
	 */
	private static long headerBytes(Map<String, Object> headers, String messageId, boolean exact) {
		long bytes = 512 + length(messageId, exact);
		for (Map.Entry<String, Object> header : headers.entrySet()) {
			bytes += 6 + length(header.getKey(), exact) + length(String.valueOf(header.getValue()), exact);
		}
		return bytes;
	}

	private static long length(String text, boolean exact) {
		if (text == null) {
			return 0;
		}
		return exact ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : text.length() * 3L;
	}

	private void settled(List<Confirms.Pending> settled, String refusal) {
		for (Confirms.Pending pending : settled) {
			String why = (refusal != null) ? refusal : pending.returned;
			complete(pending.outcome,
					(why != null) ? "cannot store " + pending.name + ": " + why + "; nothing was stored" : null);
		}
	}

	private void fail(List<Confirms.Pending> failed, String why) {
		for (Confirms.Pending pending : failed) {
			complete(pending.outcome, "cannot store " + pending.name + ": " + why);
		}
	}

	/** Completes a store on the completer's thread (at once if it stopped). */
	private void complete(CompletableFuture<String> outcome, String refusal) {
		Runnable completion = () -> {
			if (outcome.complete(refusal)) {
				(refusal == null ? this.stored : this.refused).incrementAndGet();
			}
		};
		try {
			this.completer.execute(completion);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			completion.run();
		}
	}

	/**
	 * What RabbitMQ did not confirm in time fails, and what waited as long to be sent
	 * (the loop held up): their senders hear of it.
	 */
	private void expire() {
		long before = System.nanoTime() - TimeUnit.SECONDS.toNanos(CONFIRM_TIMEOUT_SECONDS);
		fail(this.confirms.expire(before),
				"RabbitMQ did not confirm within " + CONFIRM_TIMEOUT_SECONDS + " s: it may or may not be stored");
		for (Map.Entry<CompletableFuture<String>, Long> waiting : this.accepted.entrySet()) {
			if (waiting.getValue() - before < 0 && this.accepted.remove(waiting.getKey(), waiting.getValue())) {
				complete(waiting.getKey(), "cannot store it: the link to RabbitMQ did not send it within "
						+ CONFIRM_TIMEOUT_SECONDS + " s; nothing was stored");
			}
		}
	}

	/**
	 * The node's first consumer of a queue: RabbitMQ hands its messages to this node, a
	 * prefetch at a time, on a channel of their own. What the node's queue still held
	 * from a previous consumer goes: RabbitMQ has it again.
	 */
	void consume(String name) {
		this.wanted.add(name);
		if (this.down.get() != null || this.consumers.containsKey(name)) {
			return;
		}
		String queue = QUEUE_PREFIX + name;
		Channel consuming = null;
		try {
			this.router.purge(name);
			consuming = this.connection.createChannel();
			consuming.basicQos(PREFETCH);
			consuming.queueDeclare(queue, true, false, false, null);
			Channel channel = consuming;
			Destination destination = new Destination(Destination.Kind.QUEUE, name, null);
			consuming.basicConsume(queue, false, (tag, delivery) -> {
				Message message = Amqp.inbound(delivery, "/queue/" + name);
				long deliveryTag = delivery.getEnvelope().getDeliveryTag();
				message.onSettled(() -> this.loop.execute(() -> acknowledge(channel, deliveryTag)));
				this.received.incrementAndGet();
				if (!this.router.publishFromUpstream(destination, message).accepted()) {
					// this node's queue is full: back to RabbitMQ, for another node or
					// for this one once it has room, not at once
					this.loop.schedule(() -> reject(channel, deliveryTag), REQUEUE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
				}
			}, (tag) -> this.loop.execute(() -> lostConsumer(name, channel, "RabbitMQ cancelled the consumer")),
					(tag, signal) -> {
						if (!signal.isInitiatedByApplication()) {
							// after the channel's last delivery: what the node's queue
							// holds
							// is unacknowledged in RabbitMQ, handed out again after
							// recovery
							this.router.purge(name);
						}
					});
			consuming.addShutdownListener((cause) -> {
				if (!cause.isInitiatedByApplication() && !cause.isHardError()) {
					this.loop.execute(() -> lostConsumer(name, channel, Amqp.reason(cause)));
				}
			});
			this.consumers.put(name, consuming);
			this.retryMillis.remove(name);
		}
		catch (IOException | RuntimeException ex) {
			if (consuming != null) {
				Amqp.abort(consuming);
			}
			retryConsuming(name, Amqp.reason(ex));
		}
	}

	/** A queue's consumer ended by RabbitMQ: set up again while it is wanted. */
	private void lostConsumer(String name, Channel channel, String why) {
		if (this.consumers.get(name) != channel) {
			return;
		}
		this.consumers.remove(name);
		// what it handed out and is not settled comes again, perhaps to another node
		this.router.purge(name);
		Amqp.abort(channel);
		retryConsuming(name, why);
	}

	private void retryConsuming(String name, String why) {
		if (!this.wanted.contains(name)) {
			return;
		}
		long delay = this.retryMillis.getOrDefault(name, MIN_RETRY_MILLIS);
		this.retryMillis.put(name, Math.min(MAX_RETRY_MILLIS, delay * 2));
		logger.warning(
				"cluster: cannot consume " + QUEUE_PREFIX + name + " (" + why + "); trying again in " + delay + " ms");
		this.loop.schedule(() -> {
			if (this.wanted.contains(name)) {
				consume(name);
			}
		}, delay, TimeUnit.MILLISECONDS);
	}

	/**
	 * The node's last consumer of a queue left: what the node held of it goes back to
	 * RabbitMQ (its channel closes, unacknowledged deliveries return to the queue).
	 */
	void stopConsuming(String name) {
		this.wanted.remove(name);
		this.retryMillis.remove(name);
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

	/** The node stops: what is not confirmed yet fails, and what was not sent. */
	void close() {
		fail(this.confirms.kill(), "the node stopped before RabbitMQ confirmed: it may or may not be stored");
		for (CompletableFuture<String> outcome : List.copyOf(this.accepted.keySet())) {
			if (this.accepted.remove(outcome) != null) {
				complete(outcome, "the node stopped before it was sent to RabbitMQ; nothing was stored");
			}
		}
		this.completer.shutdown();
		try {
			this.completer.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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

}
