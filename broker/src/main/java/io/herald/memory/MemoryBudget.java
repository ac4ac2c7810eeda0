package io.herald.memory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes held for clients across the node, against one bound.
 *
 * <p>
 * Design. Holders {@link #reserve} and {@link #release} bytes as they take and let go of
 * them; both are a striped add ({@link LongAdder}), cheap enough for the fan-out path,
 * which counts every frame it queues. Nothing is refused here: each holder has its own
 * bound (outbound buffer, frame size, queue length) and this budget bounds their sum. The
 * alarm is evaluated where the broker decides to take more in (a SEND, a new queue
 * message) and when it is read (metrics, health), so it needs no timer: it engages above
 * the high watermark ({@link #maxBytes()}) and releases below the low one, and the gap
 * keeps it from flapping.
 */
public final class MemoryBudget {

	/** The low watermark as a share of the high one. */
	public static final double LOW_WATERMARK = 0.8;

	private static final System.Logger LOGGER = System.getLogger(MemoryBudget.class.getName());

	/** A budget that never alarms, for tests and embedding without a bound. */
	public static final MemoryBudget UNBOUNDED = new MemoryBudget(Long.MAX_VALUE);

	private final long maxBytes;

	private final long lowBytes;

	private final LongAdder used = new LongAdder();

	private final AtomicBoolean alarmed = new AtomicBoolean();

	/**
	 * @param maxBytes the high watermark: above it the alarm engages
	 */
	public MemoryBudget(long maxBytes) {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
		}
		this.maxBytes = maxBytes;
		this.lowBytes = (long) (maxBytes * LOW_WATERMARK);
	}

	public void reserve(long bytes) {
		this.used.add(bytes);
	}

	public void release(long bytes) {
		this.used.add(-bytes);
	}

	/** Bytes held now. */
	public long usedBytes() {
		return this.used.sum();
	}

	public long maxBytes() {
		return this.maxBytes;
	}

	/** Below this, an engaged alarm releases. */
	public long lowBytes() {
		return this.lowBytes;
	}

	/**
	 * Whether the alarm is engaged: the broker holds more than the high watermark, or
	 * held it and has not yet dropped below the low one. Re-evaluated at each call.
	 */
	public boolean isAlarmed() {
		long now = this.used.sum();
		if (!this.alarmed.get()) {
			if (now > this.maxBytes && this.alarmed.compareAndSet(false, true)) {
				LOGGER.log(System.Logger.Level.WARNING, "memory alarm: " + now + " bytes held, over the limit of "
						+ this.maxBytes + "; publishing is refused until below " + this.lowBytes);
			}
		}
		else if (now < this.lowBytes && this.alarmed.compareAndSet(true, false)) {
			LOGGER.log(System.Logger.Level.WARNING, "memory alarm cleared: " + now + " bytes held");
		}
		return this.alarmed.get();
	}

}
