package io.herald.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.USER;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		UserQueue queue = this.queues.get(key(destination.user(), destination.name()));
		return (queue != null) ? PublishResult.fanOut(queue.sessions, message) : PublishResult.delivered(0);
	}

	@Override
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		String key = key(user, destination.name());
		this.queues.compute(key, (k, queue) -> {
			UserQueue subscribed = (queue != null) ? queue : new UserQueue();
			subscribed.add(subscriber);
			return subscribed;
		});
		AtomicBoolean active = new AtomicBoolean(true);
		return () -> {
			if (active.compareAndSet(true, false)) {
				this.queues.computeIfPresent(key, (k, queue) -> queue.remove(subscriber) ? null : queue);
			}
		};
	}

	private static String key(String user, String name) {
		return user + '\u0000' + name;
	}

	/**
	 * The sessions of one user subscribed to one name; changed inside the map's update.
	 */
	private static final class UserQueue {

		private volatile Subscriber[] sessions = Subscribers.NONE;

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
