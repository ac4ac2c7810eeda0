package io.herald.routing;

import java.time.Duration;

/**
 * The bounds of point-to-point queues ({@code herald.queues.*}).
 *
 * @param maxLength most messages one queue buffers
 * @param maxBytes most bytes one queue buffers
 * @param maxQueues most queues on the node that a SEND may create; a SUBSCRIBE always
 * gets its queue, as subscriptions have their own per-session bound, so a client that
 * hoards queue names cannot lock consumers out
 * @param maxMemory most bytes all queues together hold, buffered or delivered and
 * awaiting an ACK; a share of the node's memory budget, so that queues alone cannot
 * engage the node's memory alarm and stop topics
 * @param idleTimeout how long a queue with no message and no consumer is kept before it
 * is removed; {@link Duration#ZERO} keeps queues forever
 */
public record QueueLimits(int maxLength, long maxBytes, int maxQueues, long maxMemory, Duration idleTimeout) {

	/**
	 * The defaults of {@code herald.queues.*} but max-memory, which is unbounded here.
	 */
	public static final QueueLimits DEFAULT = ofLength(10_000);

	public QueueLimits {
		check(maxLength > 0, "maxLength", maxLength);
		check(maxBytes > 0, "maxBytes", maxBytes);
		check(maxQueues > 0, "maxQueues", maxQueues);
		check(maxMemory > 0, "maxMemory", maxMemory);
		if (idleTimeout == null || idleTimeout.isNegative()) {
			throw new IllegalArgumentException("idleTimeout must not be negative, was " + idleTimeout);
		}
	}

	/**
	 * Queues bounded in length only (and by the defaults of the other bounds but
	 * max-memory).
	 */
	public static QueueLimits ofLength(int maxLength) {
		return new QueueLimits(maxLength, 16L * 1024 * 1024, 10_000, Long.MAX_VALUE, Duration.ofMinutes(5));
	}

	private static void check(boolean valid, String name, long value) {
		if (!valid) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
	}

}
