package io.herald.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Queue messages are pulled, not pushed: a queue dispatches to a session only while its
 * buffer is less than half full ({@link #hasRoomForQueues()}), and when the transport has
 * drained a buffer that turned a queue away below that mark, the room callback lets the
 * queues resume. A backlog therefore waits in its queue instead of overflowing the buffer
 * of the consumer that subscribes to it (which would drop that consumer as slow, and in
 * the auto ack mode lose what it had been handed).
 */
public final class Outbound {

	private final Queue<OutboundFrame> frames = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final long maxBytes;

	private final long queueDispatchBytes;

	private final AtomicBoolean waitingForRoom = new AtomicBoolean();

	private volatile Runnable onRoomForQueues = () -> {
	};

	private volatile boolean closeWhenDrained;

	Outbound(long maxBytes) {
		this.maxBytes = maxBytes;
		this.queueDispatchBytes = maxBytes / 2;
	}

	/**
	 * Runs (on the transport's thread) when a buffer that refused queues has room again.
	 */
	void onRoomForQueues(Runnable callback) {
		this.onRoomForQueues = callback;
	}

	/**
	 * Whether a queue may dispatch to this session: the buffer is less than half full. A
	 * refusal arms the room callback.
	 */
	boolean hasRoomForQueues() {
		if (this.queuedBytes.get() < this.queueDispatchBytes) {
			return true;
		}
		this.waitingForRoom.set(true);
		// the transport may have drained between the check and arming the callback
		return this.queuedBytes.get() < this.queueDispatchBytes && this.waitingForRoom.compareAndSet(true, false);
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
			long left = this.queuedBytes.addAndGet(-frame.length());
			if (left < this.queueDispatchBytes && this.waitingForRoom.get()
					&& this.waitingForRoom.compareAndSet(true, false)) {
				this.onRoomForQueues.run();
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
