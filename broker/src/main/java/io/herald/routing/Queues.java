package io.herald.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import io.herald.memory.MemoryBudget;

/**
 * The {@code /queue/} kind: each message goes to one of the competing consumers of its
 * {@link QueueDestination}, and waits in the queue's bounded buffer while none can take
 * it. A queue comes into being at its first SEND or SUBSCRIBE, keeps its buffer while
 * nobody listens, and is removed once it has been empty and unconsumed for the idle
 * timeout ({@link #retireIdle}).
 *
 * <p>
 * Bounds, all in {@link QueueLimits}: messages and bytes per queue, queues a SEND may
 * create, and bytes all queues hold together ({@link QueueMemory}), so that no number of
 * queues, each within its own bounds, can take the node's memory.
 */
final class Queues implements DestinationType {

	private final Map<String, QueueDestination> queues = new ConcurrentHashMap<>();

	private final QueueLimits limits;

	private final QueueMemory memory;

	private final InterestListener listener;

	Queues(QueueLimits limits, MemoryBudget budget, InterestListener listener) {
		this.limits = limits;
		this.memory = new QueueMemory(limits.maxMemory(), budget);
		this.listener = listener;
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.QUEUE;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		while (true) {
			QueueDestination queue = queueForSend(destination.name());
			if (queue == null) {
				return tooMany(destination.name());
			}
			QueueDestination.Offer offer = queue.enqueue(message);
			if (offer != QueueDestination.Offer.RETIRED) {
				return result(offer, destination.name());
			}
		}
	}

	/**
	 * @param subscriber must be a {@link QueueConsumer}
	 */
	@Override
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		QueueConsumer consumer = (QueueConsumer) subscriber;
		while (true) {
			QueueDestination queue = queueForSubscribe(destination.name());
			if (queue.addConsumer(consumer)) {
				return new QueueRoute(queue, consumer, new AtomicBoolean(true));
			}
		}
	}

	/**
	 * Publishes all or none: checks that each queue among the publications has room for
	 * the messages meant for it and that all queues together may hold them, then
	 * publishes every publication in order, queue messages here and the others through
	 * {@code others}. The queues stay locked from the check to the last enqueue, in name
	 * order (so two such calls cannot deadlock), and the memory is charged before the
	 * first, so that no other publisher can take the room in between.
	 * @return accepted with the total receivers, or the refusal of the first queue
	 * without room
	 */
	PublishResult publishAll(List<Publication> publications, Function<Publication, PublishResult> others) {
		Map<String, List<Publication>> perQueue = new TreeMap<>();
		for (Publication publication : publications) {
			if (publication.destination().kind() == Destination.Kind.QUEUE) {
				perQueue.computeIfAbsent(publication.destination().name(), (name) -> new ArrayList<>())
					.add(publication);
			}
		}
		while (true) {
			Map<String, QueueDestination> locked = new TreeMap<>();
			for (String name : perQueue.keySet()) {
				QueueDestination queue = queueForSend(name);
				if (queue == null) {
					return tooMany(name);
				}
				locked.put(name, queue);
			}
			PublishResult result = whileLocked(new ArrayList<>(locked.values()), 0,
					() -> publishLocked(publications, perQueue, locked, others));
			if (result != null) {
				return result;
			}
		}
	}

	/**
	 * @return the result, or {@code null} if a queue was retired meanwhile
	 */
	private PublishResult publishLocked(List<Publication> publications, Map<String, List<Publication>> perQueue,
			Map<String, QueueDestination> locked, Function<Publication, PublishResult> others) {
		long total = 0;
		for (QueueDestination queue : locked.values()) {
			long bytes = 0;
			List<Publication> mine = perQueue.get(queue.name());
			for (Publication publication : mine) {
				bytes += publication.message().footprint();
			}
			QueueDestination.Offer room = queue.room(mine.size(), bytes);
			if (room == QueueDestination.Offer.RETIRED) {
				return null;
			}
			if (room != QueueDestination.Offer.ACCEPTED) {
				return result(room, queue.name());
			}
			total += bytes;
		}
		if (!this.memory.tryCharge(total)) {
			return result(QueueDestination.Offer.FULL_MEMORY, null);
		}
		int receivers = 0;
		for (Publication publication : publications) {
			if (publication.destination().kind() == Destination.Kind.QUEUE) {
				locked.get(publication.destination().name()).enqueueCharged(publication.message());
			}
			else {
				receivers += others.apply(publication).receivers();
			}
		}
		return PublishResult.delivered(receivers);
	}

	private static PublishResult whileLocked(List<QueueDestination> queues, int index, Supplier<PublishResult> action) {
		if (index == queues.size()) {
			return action.get();
		}
		synchronized (queues.get(index)) {
			return whileLocked(queues, index + 1, action);
		}
	}

	/**
	 * Removes the queues that have held no message and had no consumer through the idle
	 * timeout, measured between this call and earlier ones; called periodically.
	 * @param now the time, in nanoseconds of any fixed origin
	 * @return how many queues were removed
	 */
	int retireIdle(long now) {
		long timeout = this.limits.idleTimeout().toNanos();
		if (timeout == 0) {
			return 0;
		}
		int retired = 0;
		for (String name : this.queues.keySet()) {
			boolean[] gone = new boolean[1];
			this.queues.computeIfPresent(name, (n, queue) -> {
				gone[0] = queue.retireIfIdle(now, timeout);
				return gone[0] ? null : queue;
			});
			if (gone[0]) {
				retired++;
			}
		}
		return retired;
	}

	@Override
	public void describe(List<DestinationInfo> into) {
		for (QueueDestination queue : this.queues.values()) {
			into.add(queue.describe());
		}
	}

	/** Messages waiting in the named queue, 0 if it does not exist. */
	int depth(String name) {
		QueueDestination queue = this.queues.get(name);
		return (queue != null) ? queue.depth() : 0;
	}

	/** Consumers of the named queue, 0 if it does not exist. */
	int consumerCount(String name) {
		QueueDestination queue = this.queues.get(name);
		return (queue != null) ? queue.consumerCount() : 0;
	}

	/**
	 * Drops the messages waiting in the named queue; those its consumers hold
	 * unacknowledged are theirs until ACK or NACK.
	 * @return how many were dropped, 0 if the queue does not exist
	 */
	int purge(String name) {
		QueueDestination queue = this.queues.get(name);
		return (queue != null) ? queue.purge() : 0;
	}

	int count() {
		return this.queues.size();
	}

	/** Whether a queue of that name exists. */
	boolean exists(String name) {
		return this.queues.containsKey(name);
	}

	/** Messages waiting in all queues together. */
	long buffered() {
		long buffered = 0;
		for (QueueDestination queue : this.queues.values()) {
			buffered += queue.depth();
		}
		return buffered;
	}

	/** Bytes all queues hold, waiting or delivered and not yet acknowledged. */
	long heldBytes() {
		return this.memory.held();
	}

	private PublishResult result(QueueDestination.Offer offer, String name) {
		String queue = "queue '" + Destination.QUEUE_PREFIX + name + "'";
		return switch (offer) {
			case ACCEPTED -> PublishResult.delivered(0);
			case FULL_LENGTH -> PublishResult.refused(queue + " is full: it holds its limit of "
					+ this.limits.maxLength() + " messages (herald.queues.max-length)");
			case FULL_BYTES -> PublishResult.refused(queue + " is full: the message would take it past its limit of "
					+ this.limits.maxBytes() + " bytes (herald.queues.max-bytes)");
			case FULL_MEMORY -> PublishResult.refused("queues are full: together they hold " + this.memory.held()
					+ " bytes, at the node's limit of " + this.memory.max() + " (herald.queues.max-memory)");
			case RETIRED -> throw new IllegalStateException("a retired queue is retried, not reported");
		};
	}

	/** {@code herald.queues.max-queues}: most queues a SEND may create. */
	int maxQueues() {
		return this.limits.maxQueues();
	}

	private PublishResult tooMany(String name) {
		return PublishResult
			.refused("queue '" + Destination.QUEUE_PREFIX + name + "' cannot be created: the node holds "
					+ this.queues.size() + " queues, its limit (herald.queues.max-queues)");
	}

	/** The named queue, made if absent and the node is under its queue limit. */
	private QueueDestination queueForSend(String name) {
		QueueDestination queue = this.queues.get(name);
		if (queue != null) {
			return queue;
		}
		return this.queues.computeIfAbsent(name,
				(n) -> (this.queues.size() < this.limits.maxQueues()) ? newQueue(n) : null);
	}

	/** The named queue, made if absent whatever the queue limit. */
	private QueueDestination queueForSubscribe(String name) {
		return this.queues.computeIfAbsent(name, this::newQueue);
	}

	private QueueDestination newQueue(String name) {
		return new QueueDestination(name, this.limits, this.memory, this.listener);
	}

	private final class QueueRoute implements Route {

		private final QueueDestination queue;

		private final QueueConsumer consumer;

		private final AtomicBoolean active;

		QueueRoute(QueueDestination queue, QueueConsumer consumer, AtomicBoolean active) {
			this.queue = queue;
			this.consumer = consumer;
			this.active = active;
		}

		@Override
		public void cancel() {
			if (this.active.compareAndSet(true, false)) {
				this.queue.removeConsumer(this.consumer);
			}
		}

		@Override
		public void ready() {
			this.queue.consumerReady();
		}

		@Override
		public void requeue(List<Message> messages) {
			if (messages.isEmpty()) {
				return;
			}
			QueueDestination target = this.queue;
			// a queue retired meanwhile hands over to its successor of the same name
			while (!target.requeue(messages)) {
				target = queueForSubscribe(this.queue.name());
			}
		}

		@Override
		public void settled(List<Message> messages) {
			this.queue.settled(messages);
		}

	}

}
