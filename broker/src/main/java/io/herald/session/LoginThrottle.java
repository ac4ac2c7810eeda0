package io.herald.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Slows down repeated failed logins from one address: the first recent failure is
 * answered at once, the n-th after {@code 100 ms × 2^(n-2)} (100 ms, 200 ms, 400 ms, …),
 * up to a maximum, without holding any thread. Failures are forgotten a minute after the
 * last one; the table is bounded and simply cleared when full, which at worst forgives
 * some attackers early.
 */
final class LoginThrottle {

	private static final long BASE_DELAY_MILLIS = 100;

	private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final int MAX_TRACKED_ADDRESSES = 10_000;

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	private final long maxDelayMillis;

	LoginThrottle(long maxDelayMillis) {
		this.maxDelayMillis = maxDelayMillis;
	}

	/** Records a failure and answers how long to wait before answering it. */
	long failed(String address, long nowNanos) {
		if (this.failures.size() >= MAX_TRACKED_ADDRESSES) {
			this.failures.clear();
		}
		Failures updated = this.failures.compute(address, (key, previous) -> {
			int count = (previous == null || nowNanos - previous.lastNanos > FORGET_AFTER_NANOS) ? 1
					: previous.count + 1;
			return new Failures(count, nowNanos);
		});
		if (updated.count == 1) {
			return 0;
		}
		int exponent = Math.min(updated.count - 2, 20);
		return Math.min(this.maxDelayMillis, BASE_DELAY_MILLIS << exponent);
	}

	private record Failures(int count, long lastNanos) {
	}

}
