package io.herald.admin;

import java.util.function.LongSupplier;

/**
 * Messages per second in and out, over the last second and the last minute, from the
 * broker's running totals sampled once a second ({@link #sample()}, on the broker's
 * timer). Thread-safe: sampling and reading share this object's monitor, which is held
 * for a few arithmetic steps only.
 */
public final class Throughput {

	/** One sample a second, a minute of them plus the one before. */
	private static final int SAMPLES = 61;

	private final LongSupplier published;

	private final LongSupplier delivered;

	private final LongSupplier nanoClock;

	private final long[] times = new long[SAMPLES];

	private final long[] in = new long[SAMPLES];

	private final long[] out = new long[SAMPLES];

	private int count;

	private int last = -1;

	/**
	 * @param published messages accepted for routing since start
	 * @param delivered MESSAGE frames handed to subscribers since start
	 */
	public Throughput(LongSupplier published, LongSupplier delivered, LongSupplier nanoClock) {
		this.published = published;
		this.delivered = delivered;
		this.nanoClock = nanoClock;
	}

	/** Takes a sample of the totals; called once a second. */
	public synchronized void sample() {
		this.last = (this.last + 1) % SAMPLES;
		this.times[this.last] = this.nanoClock.getAsLong();
		this.in[this.last] = this.published.getAsLong();
		this.out[this.last] = this.delivered.getAsLong();
		this.count = Math.min(this.count + 1, SAMPLES);
	}

	/**
	 * The rates now: over the last interval between samples, and over the last minute.
	 */
	public synchronized Rates rates() {
		if (this.count < 2) {
			return new Rates(0, 0, 0, 0);
		}
		int previous = (this.last - 1 + SAMPLES) % SAMPLES;
		int oldest = (this.last - (this.count - 1) + SAMPLES) % SAMPLES;
		return new Rates(rate(this.in, previous), rate(this.out, previous), rate(this.in, oldest),
				rate(this.out, oldest));
	}

	private double rate(long[] totals, int from) {
		long nanos = this.times[this.last] - this.times[from];
		return (nanos <= 0) ? 0 : (totals[this.last] - totals[from]) * 1e9 / nanos;
	}

	/**
	 * @param publishedPerSecond messages in over the last second
	 * @param deliveredPerSecond messages out over the last second
	 * @param publishedPerSecondOverAMinute messages in, averaged over the last minute
	 * @param deliveredPerSecondOverAMinute messages out, averaged over the last minute
	 */
	public record Rates(double publishedPerSecond, double deliveredPerSecond, double publishedPerSecondOverAMinute,
			double deliveredPerSecondOverAMinute) {
	}

}
