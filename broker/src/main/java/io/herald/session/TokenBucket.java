package io.herald.session;

/**
 * A token bucket refilled at a steady rate and holding at most one second's worth, so a
 * client may burst up to its rate and sustain no more. Used by one thread (the
 * session's); time comes from the broker's clock.
 */
final class TokenBucket {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private final long ratePerSecond;

	private double tokens;

	private long lastRefillNanos;

	TokenBucket(long ratePerSecond, long nowNanos) {
		this.ratePerSecond = ratePerSecond;
		this.tokens = ratePerSecond;
		this.lastRefillNanos = nowNanos;
	}

	/** Takes {@code amount} tokens; {@code false} when the rate is exceeded. */
	boolean take(long amount, long nowNanos) {
		long elapsed = nowNanos - this.lastRefillNanos;
		if (elapsed > 0) {
			this.tokens = Math.min(this.ratePerSecond,
					this.tokens + (double) elapsed * this.ratePerSecond / NANOS_PER_SECOND);
			this.lastRefillNanos = nowNanos;
		}
		if (this.tokens < amount) {
			return false;
		}
		this.tokens -= amount;
		return true;
	}

}
