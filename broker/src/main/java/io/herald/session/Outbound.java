package io.herald.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A session's bounded outbound buffer: many producers (publishers' threads, the session's
 * own thread, timers) offer encoded frames; the transport polls them when it can write.
 * {@link #offer} never blocks and answers {@code false} instead of exceeding the byte
 * bound, which is the signal for the slow-consumer policy. A single frame larger than the
 * bound is accepted when the buffer is empty, so a big message can always pass an idle
 * session.
 */
public final class Outbound {

	private final Queue<OutboundFrame> frames = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final long maxBytes;

	private volatile boolean closeWhenDrained;

	Outbound(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	boolean offer(OutboundFrame frame) {
		long size = frame.length();
		while (true) {
			long current = this.queuedBytes.get();
			if (current > 0 && current + size > this.maxBytes) {
				return false;
			}
			if (this.queuedBytes.compareAndSet(current, current + size)) {
				break;
			}
		}
		this.frames.add(frame);
		return true;
	}

	/** Adds a frame whatever the bound: for the last ERROR before close. */
	void force(OutboundFrame frame) {
		this.queuedBytes.addAndGet(frame.length());
		this.frames.add(frame);
	}

	/** Drops everything queued, e.g. before the ERROR to a slow consumer. */
	void clear() {
		OutboundFrame frame;
		while ((frame = this.frames.poll()) != null) {
			this.queuedBytes.addAndGet(-frame.length());
		}
	}

	/** The next frame to write, or {@code null}. For the transport. */
	public OutboundFrame poll() {
		OutboundFrame frame = this.frames.poll();
		if (frame != null) {
			this.queuedBytes.addAndGet(-frame.length());
		}
		return frame;
	}

	public boolean isEmpty() {
		return this.frames.isEmpty();
	}

	/** Bytes queued and not yet taken by the transport. */
	public long queuedBytes() {
		return this.queuedBytes.get();
	}

	/**
	 * Whether the transport should close the connection once it has written everything
	 * queued (after an ERROR, or the RECEIPT of a DISCONNECT).
	 */
	public boolean isCloseWhenDrained() {
		return this.closeWhenDrained;
	}

	void closeWhenDrained() {
		this.closeWhenDrained = true;
	}

}
