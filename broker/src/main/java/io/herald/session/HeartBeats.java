package io.herald.session;

/**
 * Heart-beat negotiation (STOMP 1.2, "Heart-beating"): each side states {@code cx,cy},
 * how often it can send and how often it wants to receive; a direction is active when
 * both sides agree on a non-zero value, at the larger of the two.
 */
final class HeartBeats {

	static final OutboundFrame FRAME = new OutboundFrame(OutboundFrame.EMPTY, new byte[] { '\n' }, false);

	/** A peer is dead after this many agreed intervals of silence. */
	private static final int TOLERANCE = 2;

	private static final long MIN_CHECK_MILLIS = 10;

	private HeartBeats() {
	}

	/** Parses a client's {@code heart-beat} header; absent means {@code 0,0}. */
	static long[] parse(String header) throws StompViolation {
		if (header == null) {
			return new long[] { 0, 0 };
		}
		String[] parts = header.split(",");
		if (parts.length != 2) {
			throw new StompViolation("invalid heart-beat header '" + header + "': expected two numbers cx,cy");
		}
		try {
			long cx = Long.parseLong(parts[0].trim());
			long cy = Long.parseLong(parts[1].trim());
			if (cx < 0 || cy < 0) {
				throw new NumberFormatException();
			}
			return new long[] { cx, cy };
		}
		catch (NumberFormatException ex) {
			throw new StompViolation("invalid heart-beat header '" + header + "': expected two non-negative numbers");
		}
	}

	/**
	 * The broker's side of the {@code heart-beat} header for one direction: its
	 * configured interval, or what the client asks when that is more often, but never
	 * more often than the floor (nor than the configured value, if that is lower). 0
	 * stays 0: the broker cannot (or does not want to) beat in that direction.
	 * @param configured the broker's configured interval, 0 for never
	 * @param floorMillis the shortest interval the broker agrees to
	 * @param asked what the client states for the opposite direction, 0 for nothing
	 */
	static long offer(long configured, long floorMillis, long asked) {
		if (configured == 0 || asked == 0 || asked >= configured) {
			return configured;
		}
		return Math.max(Math.min(floorMillis, configured), asked);
	}

	/** The agreed interval for one direction, 0 when it is off. */
	static long interval(long ours, long theirs) {
		return (ours == 0 || theirs == 0) ? 0 : Math.max(ours, theirs);
	}

	/** Silence, in ms, after which the peer is considered dead. */
	static long deadline(long expectEveryMillis) {
		// saturate: a client may promise an absurdly long interval, which must not wrap
		// into a negative deadline that drops it at once
		return (expectEveryMillis > Long.MAX_VALUE / TOLERANCE) ? Long.MAX_VALUE : expectEveryMillis * TOLERANCE;
	}

	/** How often the session's timer runs, 0 for no timer. */
	static long checkPeriod(long sendEveryMillis, long expectEveryMillis) {
		long shortest = Math.min(positiveOrMax(sendEveryMillis), positiveOrMax(expectEveryMillis));
		if (shortest == Long.MAX_VALUE) {
			return 0;
		}
		return Math.max(MIN_CHECK_MILLIS, shortest / 2);
	}

	private static long positiveOrMax(long value) {
		return (value > 0) ? value : Long.MAX_VALUE;
	}

}
