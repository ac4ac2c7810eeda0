package io.herald.session;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One session's heart-beating (STOMP 1.2, "Heart-beating") once agreed: when it last read
 * and wrote, whether the peer is dead, whether a beat is due. The read and write times
 * are stamped from any thread (transport, publishers); the intervals are set by the
 * session's owner, once, and {@link #agreed()} shows them to any thread.
 */
final class HeartBeat {

	private volatile long lastReadNanos;

	private volatile long lastWriteNanos;

	private long sendEveryMillis;

	private long expectEveryMillis;

	private ScheduledFuture<?> ticks;

	/** {@code SEND,EXPECT} once agreed, for operators. */
	private volatile String agreed = "0,0";

	HeartBeat(long nowNanos) {
		this.lastReadNanos = nowNanos;
		this.lastWriteNanos = nowNanos;
	}

	void read(long nowNanos) {
		this.lastReadNanos = nowNanos;
	}

	void wrote(long nowNanos) {
		this.lastWriteNanos = nowNanos;
	}

	long lastReadNanos() {
		return this.lastReadNanos;
	}

	/**
	 * The agreed intervals in milliseconds as CONNECTED states them: the broker's
	 * sending, then what it expects; {@code 0,0} before CONNECT or when off.
	 */
	String agreed() {
		return this.agreed;
	}

	/**
	 * Agrees on both directions and, when either is on, runs the tick periodically.
	 * @param tick checks {@link #deadPeer} and {@link #beatDue}; must hand over to the
	 * session's owner
	 */
	void start(long sendEveryMillis, long expectEveryMillis, ScheduledExecutorService timer, Runnable tick) {
		this.sendEveryMillis = sendEveryMillis;
		this.expectEveryMillis = expectEveryMillis;
		this.agreed = sendEveryMillis + "," + expectEveryMillis;
		long period = HeartBeats.checkPeriod(sendEveryMillis, expectEveryMillis);
		if (period > 0) {
			this.ticks = timer.scheduleAtFixedRate(tick, period, period, TimeUnit.MILLISECONDS);
		}
	}

	void stop() {
		if (this.ticks != null) {
			this.ticks.cancel(false);
			this.ticks = null;
		}
	}

	/**
	 * One timer tick on the session's owner: a beat when one is due.
	 * @param written called when a beat was queued
	 * @return the ERROR message when the peer has been silent past the grace, else
	 * {@code null}
	 */
	String tick(long nowNanos, Outbound outbound, Runnable written) {
		String dead = deadPeer(nowNanos);
		if (dead == null && beatDue(nowNanos) && outbound.offer(HeartBeats.FRAME)) {
			written.run();
		}
		return dead;
	}

	/**
	 * The ERROR message when the peer has been silent past the grace, else {@code null}.
	 */
	String deadPeer(long nowNanos) {
		if (this.expectEveryMillis <= 0) {
			return null;
		}
		long silentMillis = TimeUnit.NANOSECONDS.toMillis(nowNanos - this.lastReadNanos);
		if (silentMillis <= HeartBeats.deadline(this.expectEveryMillis)) {
			return null;
		}
		return "heart-beat timeout: nothing received for " + silentMillis + " ms (agreed interval "
				+ this.expectEveryMillis + " ms)";
	}

	/**
	 * Whether the broker should send a beat now: it has been quiet for half its interval.
	 */
	boolean beatDue(long nowNanos) {
		return this.sendEveryMillis > 0
				&& TimeUnit.NANOSECONDS.toMillis(nowNanos - this.lastWriteNanos) >= this.sendEveryMillis / 2;
	}

}
