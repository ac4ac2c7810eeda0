package io.herald.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Warnings an operator can use about clients that misbehave: one line per close for a
 * client's fault (a crossed limit, a refused login or destination, a slow consumer), at
 * most one per reason per second, with how many were left out since. Never a stack trace:
 * the client's fault is not the broker's.
 */
final class AbuseLog {

	private static final System.Logger LOGGER = System.getLogger("io.herald.abuse");

	private static final long INTERVAL_NANOS = 1_000_000_000L;

	private final LongSupplier nanoClock;

	private final Map<CloseReason, Window> windows = new EnumMap<>(CloseReason.class);

	AbuseLog(LongSupplier nanoClock) {
		this.nanoClock = nanoClock;
		for (CloseReason reason : CloseReason.values()) {
			if (isAbuse(reason)) {
				this.windows.put(reason, new Window());
			}
		}
	}

	static boolean isAbuse(CloseReason reason) {
		return switch (reason) {
			case AUTHENTICATION_FAILED, ACCESS_DENIED, SLOW_CONSUMER, RATE_LIMITED, FRAME_TOO_LARGE, LIMIT_EXCEEDED,
					CONNECTION_REFUSED ->
				true;
			default -> false;
		};
	}

	/**
	 * Logs the close if it is an abuse event and its reason has not logged this second.
	 */
	void closed(CloseReason reason, String address, String sessionId, String message) {
		Window window = this.windows.get(reason);
		if (window == null || !LOGGER.isLoggable(System.Logger.Level.WARNING)) {
			return;
		}
		long now = this.nanoClock.getAsLong();
		long last = window.lastNanos.get();
		if (last != 0 && now - last < INTERVAL_NANOS || !window.lastNanos.compareAndSet(last, now)) {
			window.suppressed.incrementAndGet();
			return;
		}
		long suppressed = window.suppressed.getAndSet(0);
		LOGGER.log(System.Logger.Level.WARNING, reason.tag() + " from " + address + " (session " + sessionId + "): "
				+ message + ((suppressed > 0) ? " [" + suppressed + " more " + reason.tag() + " since]" : ""));
	}

	private static final class Window {

		final AtomicLong lastNanos = new AtomicLong();

		final AtomicLong suppressed = new AtomicLong();

	}

}
