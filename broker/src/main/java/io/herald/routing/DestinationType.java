package io.herald.routing;

import java.util.List;

/**
 * How one kind of destination routes: {@link Topics} fan out through the subscription
 * trie, {@link Queues} hand each message to one competing consumer, {@link UserQueues}
 * fan out to the sessions of one user. The {@link Router} picks the type by
 * {@link Destination#kind()} and holds no kind-specific logic itself, so a new kind (a
 * temporary queue, a stream) is a new implementation, not a new {@code case} in every
 * method.
 */
interface DestinationType {

	/** The kind of destination this type routes. */
	Destination.Kind kind();

	/** Routes a message sent to a destination of this kind. */
	PublishResult publish(Destination destination, Message message);

	/**
	 * Subscribes to a destination of this kind.
	 * @param user the subscribing session's user
	 */
	Route subscribe(Destination destination, String user, Subscriber subscriber);

	/** Adds a snapshot of each destination of this kind the router holds. */
	void describe(List<DestinationInfo> into);

}
