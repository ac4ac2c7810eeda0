package io.herald.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;

/**
 * The node second by second: the broker's running totals sampled once a second
 * ({@link #sample()}, on the broker's timer) give messages and bytes in and out per
 * second, over the last second and the last minute, and the delivery latencies sampled in
 * that second give its percentiles. The last {@value #HISTORY} seconds are kept for the
 * dashboard's charts ({@link #history()}). Thread-safe: sampling and reading share this
 * object's monitor, which is held for a few arithmetic steps only.
 */
public final class Throughput {

	/** Seconds of history kept: five minutes. */
	static final int HISTORY = 300;

	/** Totals kept for the minute's averages: a minute of them plus the one before. */
	private static final int MINUTE = 61;

	private static final double NANOS_PER_MILLI = 1e6;

	private final Supplier<Totals> totals;

	private final LongSupplier nanoClock;

	private final Clock clock;

	private final long[] times = new long[MINUTE];

	private final long[] in = new long[MINUTE];

	private final long[] out = new long[MINUTE];

	private int count;

	private int last = -1;

	private Totals previous;

	private final Second[] seconds = new Second[HISTORY];

	private long secondsTaken;

	/**
	 * @param totals the broker's running totals, read once a second
	 * @param nanoClock the monotonic clock rates are measured with
	 * @param clock the wall clock each second is stamped with
	 */
	public Throughput(Supplier<Totals> totals, LongSupplier nanoClock, Clock clock) {
		this.totals = totals;
		this.nanoClock = nanoClock;
		this.clock = clock;
	}

	/** Takes a sample of the totals; called once a second. */
	public void sample() {
		Totals now = this.totals.get();
		long nanos = this.nanoClock.getAsLong();
		Instant at = this.clock.instant();
		synchronized (this) {
			this.last = (this.last + 1) % MINUTE;
			this.times[this.last] = nanos;
			this.in[this.last] = now.published();
			this.out[this.last] = now.delivered();
			this.count = Math.min(this.count + 1, MINUTE);
			if (this.count >= 2) {
				int before = (this.last - 1 + MINUTE) % MINUTE;
				this.seconds[(int) (this.secondsTaken++ % HISTORY)] = second(at, now, nanos - this.times[before]);
			}
			this.previous = now;
		}
	}

	private Second second(Instant at, Totals now, long elapsedNanos) {
		double perSecond = (elapsedNanos <= 0) ? 0 : 1e9 / elapsedNanos;
		Histogram latencies = now.latencies();
		boolean measured = latencies != null && latencies.getTotalCount() > 0;
		return new Second(at, now.sessions(), (now.published() - this.previous.published()) * perSecond,
				(now.delivered() - this.previous.delivered()) * perSecond,
				(now.bytesIn() - this.previous.bytesIn()) * perSecond,
				(now.bytesOut() - this.previous.bytesOut()) * perSecond,
				measured ? latencies.getValueAtPercentile(50) / NANOS_PER_MILLI : null,
				measured ? latencies.getValueAtPercentile(99) / NANOS_PER_MILLI : null,
				measured ? latencies.getMaxValue() / NANOS_PER_MILLI : null,
				now.slowConsumers() - this.previous.slowConsumers());
	}

	/**
	 * The rates now: over the last interval between samples, and over the last minute.
	 */
	public synchronized Rates rates() {
		if (this.count < 2) {
			return new Rates(0, 0, 0, 0, 0, 0, null, null, null);
		}
		int oldest = (this.last - (this.count - 1) + MINUTE) % MINUTE;
		Second latest = this.seconds[(int) ((this.secondsTaken - 1) % HISTORY)];
		return new Rates(latest.publishedPerSecond(), latest.deliveredPerSecond(), rate(this.in, oldest),
				rate(this.out, oldest), latest.bytesInPerSecond(), latest.bytesOutPerSecond(),
				latest.latencyP50Millis(), latest.latencyP99Millis(), latest.latencyMaxMillis());
	}

	/** The last seconds sampled, oldest first: at most {@value #HISTORY}. */
	public synchronized List<Second> history() {
		int kept = (int) Math.min(this.secondsTaken, HISTORY);
		List<Second> history = new ArrayList<>(kept);
		for (long i = this.secondsTaken - kept; i < this.secondsTaken; i++) {
			history.add(this.seconds[(int) (i % HISTORY)]);
		}
		return history;
	}

	private double rate(long[] totals, int from) {
		long nanos = this.times[this.last] - this.times[from];
		return (nanos <= 0) ? 0 : (totals[this.last] - totals[from]) * 1e9 / nanos;
	}

	/**
	 * The broker's running totals at one moment.
	 *
	 * @param published messages accepted for routing since start
	 * @param delivered MESSAGE frames handed to subscribers since start
	 * @param bytesIn bytes received from clients since start
	 * @param bytesOut bytes handed to clients' sockets since start
	 * @param sessions sessions open now
	 * @param slowConsumers sessions dropped as slow consumers since start
	 * @param latencies the delivery latencies (nanoseconds) sampled since the previous
	 * reading, or {@code null}
	 */
	public record Totals(long published, long delivered, long bytesIn, long bytesOut, int sessions, long slowConsumers,
			Histogram latencies) {
	}

	/**
	 * One second of the node.
	 *
	 * @param at when it ended
	 * @param sessions sessions open then
	 * @param publishedPerSecond messages in
	 * @param deliveredPerSecond messages out
	 * @param bytesInPerSecond bytes received from clients
	 * @param bytesOutPerSecond bytes handed to clients' sockets
	 * @param latencyP50Millis median delivery latency, publish to socket write, of the
	 * deliveries sampled that second; {@code null} when there was none
	 * @param latencyP99Millis its 99th percentile
	 * @param latencyMaxMillis the longest sampled
	 * @param slowConsumers sessions dropped as slow consumers that second
	 */
	public record Second(Instant at, int sessions, double publishedPerSecond, double deliveredPerSecond,
			double bytesInPerSecond, double bytesOutPerSecond, Double latencyP50Millis, Double latencyP99Millis,
			Double latencyMaxMillis, long slowConsumers) {
	}

	/**
	 * @param publishedPerSecond messages in over the last second
	 * @param deliveredPerSecond messages out over the last second
	 * @param publishedPerSecondOverAMinute messages in, averaged over the last minute
	 * @param deliveredPerSecondOverAMinute messages out, averaged over the last minute
	 * @param bytesInPerSecond bytes received over the last second
	 * @param bytesOutPerSecond bytes handed to sockets over the last second
	 * @param latencyP50Millis median delivery latency over the last second, {@code null}
	 * when nothing was delivered
	 * @param latencyP99Millis its 99th percentile
	 * @param latencyMaxMillis the longest sampled
	 */
	public record Rates(double publishedPerSecond, double deliveredPerSecond, double publishedPerSecondOverAMinute,
			double deliveredPerSecondOverAMinute, double bytesInPerSecond, double bytesOutPerSecond,
			Double latencyP50Millis, Double latencyP99Millis, Double latencyMaxMillis) {
	}

}
