package io.herald.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The {@code /queue/} kind: each message goes to one of the competing consumers of its
 * {@link QueueDestination}, and waits in the queue's bounded buffer while none can take
 * it. A queue comes into being at its first SEND or SUBSCRIBE and keeps its buffer while
 * nobody listens.
 */
final class Queues implements DestinationType {

	private final Map<String, QueueDestination> queues = new ConcurrentHashMap<>();

	private final int maxLength;

	private final InterestListener listener;

	Queues(int maxLength, InterestListener listener) {
		if (maxLength <= 0) {
			throw new IllegalArgumentException("maxQueueLength must be positive, was " + maxLength);
		}
		this.maxLength = maxLength;
		this.listener = listener;
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.QUEUE;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		return queue(destination.name()).enqueue(message) ? PublishResult.delivered(0) : full(destination.name());
	}

	/**
	 * @param subscriber must be a {@link QueueConsumer}
	 */
	@Override
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		QueueDestination queue = queue(destination.name());
		QueueConsumer consumer = (QueueConsumer) subscriber;
		queue.addConsumer(consumer);
		return new QueueRoute(queue, consumer, new AtomicBoolean(true));
	}

	/**
	 * Runs the action only if each named queue has room for the given number of messages,
	 * keeping the queues locked from the check to the action's end so that no other
	 * publisher can fill them in between. Locks are taken in the map's (name) order, so
	 * two such calls cannot deadlock.
	 * @param perQueue messages meant for each queue, sorted by name
	 * @return the action's result, or the refusal of the first queue without room
	 */
	PublishResult withRoomFor(Map<String, Integer> perQueue, Supplier<PublishResult> action) {
		List<QueueDestination> locked = new ArrayList<>(perQueue.size());
		for (String name : perQueue.keySet()) {
			locked.add(queue(name));
		}
		return whileLocked(locked, 0, () -> {
			for (QueueDestination queue : locked) {
				if (!queue.hasRoomFor(perQueue.get(queue.name()))) {
					return full(queue.name());
				}
			}
			return action.get();
		});
	}

	private static PublishResult whileLocked(List<QueueDestination> queues, int index, Supplier<PublishResult> action) {
		if (index == queues.size()) {
			return action.get();
		}
		synchronized (queues.get(index)) {
			return whileLocked(queues, index + 1, action);
		}
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

	/** Messages waiting in all queues together. */
	long buffered() {
		long buffered = 0;
		for (QueueDestination queue : this.queues.values()) {
			buffered += queue.depth();
		}
		return buffered;
	}

	private PublishResult full(String name) {
		return PublishResult.refused("queue '" + Destination.QUEUE_PREFIX + name + "' is full: it holds its limit of "
				+ this.maxLength + " messages");
	}

	private QueueDestination queue(String name) {
		return this.queues.computeIfAbsent(name, (n) -> new QueueDestination(n, this.maxLength, this.listener));
	}

	private record QueueRoute(QueueDestination queue, QueueConsumer consumer, AtomicBoolean active) implements Route {

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
			if (!messages.isEmpty()) {
				this.queue.requeue(messages);
			}
		}

	}

}
