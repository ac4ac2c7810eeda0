package io.herald.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Routes published messages to subscribers: topics through the {@link TopicTree}, queues
 * through their {@link QueueDestination}, user destinations through an exact map keyed by
 * user and destination.
 *
 * <p>
 * Publishing runs on the publisher's thread; a publisher's messages to one destination
 * are handed to each subscriber in the order published, and each subscriber's outbound
 * buffer keeps that order. Thread-safe.
 */
public final class Router {

	private final TopicTree topics;

	private final Map<String, QueueDestination> queues = new ConcurrentHashMap<>();

	private final Map<String, List<Subscriber>> userDestinations = new ConcurrentHashMap<>();

	private final int maxQueueLength;

	/**
	 * @param maxQueueLength most messages a queue buffers
	 * @param matchCacheSize most topic names whose subscriber sets are cached
	 */
	public Router(int maxQueueLength, int matchCacheSize) {
		if (maxQueueLength <= 0) {
			throw new IllegalArgumentException("maxQueueLength must be positive, was " + maxQueueLength);
		}
		this.maxQueueLength = maxQueueLength;
		this.topics = new TopicTree(matchCacheSize);
	}

	/**
	 * Routes a message sent to a destination parsed with {@link Destination#forSend}.
	 */
	public PublishResult publish(Destination destination, Message message) {
		switch (destination.kind()) {
			case TOPIC -> {
				return this.topics.destination(destination.name()).publish(message);
			}
			case USER -> {
				List<Subscriber> sessions = this.userDestinations.get(userKey(destination.user(), destination.name()));
				return (sessions != null) ? PublishResult.fanOut(sessions.toArray(new Subscriber[0]), message)
						: PublishResult.delivered(0);
			}
			case QUEUE -> {
				QueueDestination queue = queue(destination.name());
				if (!queue.enqueue(message)) {
					return queueFull(destination.name());
				}
				return PublishResult.delivered(0);
			}
		}
		throw new IllegalStateException("unknown destination kind " + destination.kind());
	}

	/**
	 * Routes messages all or none (a transaction's SENDs at COMMIT): when a queue among
	 * the destinations has no room for the messages meant for it, nothing is published.
	 * The queues involved stay locked from the check to the last enqueue, always in name
	 * order, so that no other publisher can fill them in between and two such calls
	 * cannot deadlock.
	 * @return accepted with the total receivers, or the refusal of the first full queue
	 */
	public PublishResult publishAll(List<Publication> publications) {
		Map<String, Integer> perQueue = new TreeMap<>();
		for (Publication publication : publications) {
			if (publication.destination().kind() == Destination.Kind.QUEUE) {
				perQueue.merge(publication.destination().name(), 1, Integer::sum);
			}
		}
		List<QueueDestination> locked = new ArrayList<>(perQueue.size());
		for (String name : perQueue.keySet()) {
			locked.add(queue(name));
		}
		return whileLocked(locked, 0, () -> {
			for (QueueDestination queue : locked) {
				if (!queue.hasRoomFor(perQueue.get(queue.name()))) {
					return queueFull(queue.name());
				}
			}
			int receivers = 0;
			for (Publication publication : publications) {
				receivers += publish(publication.destination(), publication.message()).receivers();
			}
			return PublishResult.delivered(receivers);
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

	/**
	 * Subscribes to a destination parsed with {@link Destination#forSubscribe}.
	 * @param user the subscribing session's user, for user destinations
	 * @param subscriber the receiver; for queues it must be a {@link QueueConsumer}
	 */
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		AtomicBoolean active = new AtomicBoolean(true);
		switch (destination.kind()) {
			case TOPIC -> {
				this.topics.add(destination.name(), subscriber);
				return () -> {
					if (active.compareAndSet(true, false)) {
						this.topics.remove(destination.name(), subscriber);
					}
				};
			}
			case USER -> {
				String key = userKey(user, destination.name());
				// add inside the map's atomic update: adding to a list fetched before, a
				// concurrent cancel could empty and unmap it, orphaning this subscriber
				this.userDestinations.compute(key, (k, list) -> {
					List<Subscriber> sessions = (list != null) ? list : new CopyOnWriteArrayList<>();
					sessions.add(subscriber);
					return sessions;
				});
				return () -> {
					if (active.compareAndSet(true, false)) {
						this.userDestinations.computeIfPresent(key, (k, list) -> {
							list.remove(subscriber);
							return list.isEmpty() ? null : list;
						});
					}
				};
			}
			case QUEUE -> {
				QueueDestination queue = queue(destination.name());
				QueueConsumer consumer = (QueueConsumer) subscriber;
				queue.addConsumer(consumer);
				return new QueueRoute(queue, consumer, active);
			}
		}
		throw new IllegalStateException("unknown destination kind " + destination.kind());
	}

	/** Number of topic subscriptions, for statistics. */
	public int topicSubscriptionCount() {
		return this.topics.subscriptionCount();
	}

	/** Number of messages waiting in the named queue, 0 if it does not exist. */
	public int queueDepth(String queueName) {
		QueueDestination queue = this.queues.get(queueName);
		return (queue != null) ? queue.depth() : 0;
	}

	private PublishResult queueFull(String name) {
		return PublishResult.refused("queue '" + Destination.QUEUE_PREFIX + name + "' is full: it holds its limit of "
				+ this.maxQueueLength + " messages");
	}

	private QueueDestination queue(String name) {
		return this.queues.computeIfAbsent(name, (n) -> new QueueDestination(n, this.maxQueueLength));
	}

	private static String userKey(String user, String destination) {
		return user + '\u0000' + destination;
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
