package io.herald.session;

import io.herald.protocol.FrameLimits;

/**
 * Per-session bounds and timings, frozen when the broker starts.
 *
 * @param frameLimits decoder bounds for inbound frames
 * @param maxSubscriptions most subscriptions one session may hold
 * @param outboundBufferBytes most bytes queued for one session before it counts as a slow
 * consumer and is disconnected
 * @param heartBeatSendMillis how often the broker can send heart-beats (its {@code cx}),
 * 0 never
 * @param heartBeatReceiveMillis how often the broker wants heart-beats (its {@code cy}),
 * 0 never
 * @param heartBeatMinMillis the shortest interval the broker agrees to when a client asks
 * for heart-beats more often than the two above
 * @param connectTimeoutMillis time from socket open to CONNECT before the broker gives up
 * @param maxTransactionFrames most frames the open transactions of one session may hold
 * together, and most transactions it may have open
 * @param maxUnackedPerSubscription most unacknowledged queue messages handed to one
 * subscription in a client ack mode
 * @param serverName the CONNECTED {@code server} header
 */
public record SessionSettings(FrameLimits frameLimits, int maxSubscriptions, long outboundBufferBytes,
		long heartBeatSendMillis, long heartBeatReceiveMillis, long heartBeatMinMillis, long connectTimeoutMillis,
		int maxTransactionFrames, int maxUnackedPerSubscription, String serverName) {

	public static final SessionSettings DEFAULT = new SessionSettings(FrameLimits.DEFAULT, 1000, 4L * 1024 * 1024,
			10_000, 10_000, 1_000, 10_000, 1000, 1000, "Herald/0.1.0");

	public SessionSettings {
		if (frameLimits == null) {
			throw new IllegalArgumentException("frameLimits must not be null");
		}
		requirePositive(maxSubscriptions, "maxSubscriptions");
		requirePositive(outboundBufferBytes, "outboundBufferBytes");
		requireNotNegative(heartBeatSendMillis, "heartBeatSendMillis");
		requireNotNegative(heartBeatReceiveMillis, "heartBeatReceiveMillis");
		requirePositive(heartBeatMinMillis, "heartBeatMinMillis");
		requirePositive(connectTimeoutMillis, "connectTimeoutMillis");
		requirePositive(maxTransactionFrames, "maxTransactionFrames");
		requirePositive(maxUnackedPerSubscription, "maxUnackedPerSubscription");
	}

	private static void requirePositive(long value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
	}

	private static void requireNotNegative(long value, String name) {
		if (value < 0) {
			throw new IllegalArgumentException(name + " must not be negative, was " + value);
		}
	}

}
