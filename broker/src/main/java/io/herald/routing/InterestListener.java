package io.herald.routing;

/**
 * Told when this node's interest in a destination begins and ends: a topic pattern
 * ({@code prices.*} and {@code prices.AAPL} are two), a queue, or a user queue (as
 * {@code /user/USER/queue/NAME}, the form that is sent to) gains its first local
 * subscriber or loses its last one. The cluster backplane implements it to hold one
 * upstream subscription per pattern per node, not one per browser.
 *
 * <p>
 * Design: the router calls it on the subscribing or cancelling thread while it holds the
 * lock that orders changes to that destination, after its own state is updated. So for
 * one destination the calls strictly alternate, gained first, in the order the changes
 * took effect, and a listener that counts needs no ordering of its own. The price: an
 * implementation must return quickly, must not throw, and must not call back into the
 * {@link Router}; hand the event to a thread of your own (e.g. through a bounded queue
 * drained by the backplane's loop).
 */
public interface InterestListener {

	/** Listens to nothing. */
	InterestListener NONE = new InterestListener() {
	};

	/**
	 * The destination gained its first local subscriber.
	 * @param destination for topics the pattern as subscribed, for queues the queue, for
	 * user queues the user and queue name ({@link Destination#user()} set)
	 */
	default void interestGained(Destination destination) {
	}

	/**
	 * The destination lost its last local subscriber.
	 * @param destination as it was given to {@link #interestGained}
	 */
	default void interestLost(Destination destination) {
	}

}
