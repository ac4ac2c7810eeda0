package io.herald.routing;

import java.util.List;

/**
 * The link between one subscription and the router; cancelling it stops deliveries.
 */
public interface Route {

	/** Removes the subscription from the router. Idempotent. */
	void cancel();

	/**
	 * For queue routes: the consumer is ready for messages, after its subscription was
	 * confirmed or when it gained capacity (e.g. after an ACK).
	 */
	default void ready() {
	}

	/**
	 * For queue routes: hands unacknowledged messages back for redelivery, in order. For
	 * topics there is nobody else to give them to and they are dropped.
	 */
	default void requeue(List<Message> messages) {
	}

	/**
	 * For queue routes: messages a consumer that {@link QueueConsumer#settlesByAck()}
	 * acknowledged, which the queues stop counting as held.
	 */
	default void settled(List<Message> messages) {
	}

}
