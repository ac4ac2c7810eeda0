package io.herald.routing;

/**
 * A competing consumer of a {@link QueueDestination}.
 */
public interface QueueConsumer extends Subscriber {

	/**
	 * Whether the consumer can take one more message now; a consumer in a client ack mode
	 * is full while it holds its limit of unacknowledged messages.
	 */
	boolean hasCapacity();

	/**
	 * Whether the consumer holds what it is given until it is acknowledged (a client ack
	 * mode), so that the queue keeps it charged to the node's queue memory until the
	 * consumer's {@link Route#settled}, rather than letting go at delivery.
	 */
	default boolean settlesByAck() {
		return false;
	}

}
