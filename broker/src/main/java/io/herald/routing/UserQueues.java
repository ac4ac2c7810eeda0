package io.herald.routing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code /user/…/queue/} kind: a session subscribes to {@code /user/queue/NAME} and
 * receives what is sent to {@code /user/ITS_USER/queue/NAME}, as does every other session
 * of that user. Nothing is buffered: a message for a user with no session subscribed is
 * accepted and dropped, as for a topic nobody listens to.
 *
 * <p>
 * Design: an exact map from (user, name) to the subscribed sessions; the entry is added
 * and removed inside the map's atomic update of its key, so a subscribe racing the cancel
 * of the last session cannot be orphaned in an unmapped entry.
 */
final class UserQueues implements DestinationType {

	private final Map<String, UserQueue> queues = new ConcurrentHashMap<>();

	private final InterestListener listener;

	/**
	 * @param listener told, inside the map's update of the key, when a user queue gains
	 * its first session and loses its last
	 */
	UserQueues(InterestListener listener) {
		this.listener = listener;
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.USER;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		UserQueue queue = this.queues.get(key(destination.user(), destination.name()));
		return (queue != null) ? queue.publish(message) : PublishResult.delivered(0);
	}

	@Override
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		String key = key(user, destination.name());
		this.queues.compute(key, (k, queue) -> {
			if (queue != null) {
				queue.add(subscriber);
				return queue;
			}
			UserQueue created = new UserQueue(new Destination(Destination.Kind.USER, destination.name(), user));
			created.add(subscriber);
			this.listener.interestGained(created.interest);
			return created;
		});
		AtomicBoolean active = new AtomicBoolean(true);
		return () -> {
			if (active.compareAndSet(true, false)) {
				this.queues.computeIfPresent(key, (k, queue) -> {
					if (!queue.remove(subscriber)) {
						return queue;
					}
					this.listener.interestLost(queue.interest);
					return null;
				});
			}
		};
	}

	@Override
	public void describe(List<DestinationInfo> into) {
		for (UserQueue queue : this.queues.values()) {
			into.add(new DestinationInfo(queue.interest.clientName(), Destination.Kind.USER, queue.sessions.length, 0,
					0, queue.published.sum(), queue.delivered.sum()));
		}
	}

	private static String key(String user, String name) {
		return user + '\u0000' + name;
	}

	/**
	 * The sessions of one user subscribed to one name; changed inside the map's update.
	 */
	private static final class UserQueue {

		/** The user queue as it is sent to, for the listener. */
		final Destination interest;

		private final LongAdder published = new LongAdder();

		private final LongAdder delivered = new LongAdder();

		private volatile Subscriber[] sessions = Subscribers.NONE;

		UserQueue(Destination interest) {
			this.interest = interest;
		}

		PublishResult publish(Message message) {
			this.published.increment();
			PublishResult result = PublishResult.fanOut(this.sessions, message);
			this.delivered.add(result.receivers());
			return result;
		}

		void add(Subscriber session) {
			this.sessions = Subscribers.with(this.sessions, session);
		}

		/**
		 * @return whether no session is left
		 */
		boolean remove(Subscriber session) {
			this.sessions = Subscribers.without(this.sessions, session);
			return this.sessions.length == 0;
		}

	}

}
