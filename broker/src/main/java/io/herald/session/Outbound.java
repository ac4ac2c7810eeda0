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
 *
 * <p>
 * Queues, unlike topics, can wait: they hand a message over only while
 * {@link #hasRoomForDelivery()} says the largest possible frame still fits, and a queue
 * backlog bigger than the buffer then flows as fast as the client reads instead of making
 * it a slow consumer. When a refusal left the buffer starved, the transport's
 * {@link #poll} that makes room again runs the room listener once.
 */
public final class Outbound {

	private final Queue<OutboundFrame> frames = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final long maxBytes;

	private final long deliveryReserve;

	private volatile boolean closeWhenDrained;

	private volatile boolean starved;

	private volatile Runnable roomListener = () -> {
	};

	Outbound(long maxBytes) {
		this(maxBytes, 0);
	}

	/**
	 * @param deliveryReserve the room a queue delivery needs: the largest frame it may be
	 */
	Outbound(long maxBytes, long deliveryReserve) {
		this.maxBytes = maxBytes;
		this.deliveryReserve = deliveryReserve;
	}

	/** Runs, on the transport's thread, when a starved buffer has room again. */
	void onRoom(Runnable listener) {
		this.roomListener = listener;
	}

	/**
	 * Whether a queue may hand over another message now. When not, the buffer is marked
	 * starved, and the listener runs once the transport has made room.
	 */
	boolean hasRoomForDelivery() {
		if (roomForDelivery()) {
			return true;
		}
		this.starved = true;
		// the transport may have drained between the check and the mark
		return roomForDelivery();
	}

	private boolean roomForDelivery() {
		long queued = this.queuedBytes.get();
		return queued == 0 || queued + this.deliveryReserve <= this.maxBytes;
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
			if (this.starved && roomForDelivery()) {
				this.starved = false;
				this.roomListener.run();
			}
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
