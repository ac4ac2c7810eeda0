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

}
