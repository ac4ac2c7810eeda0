package io.herald.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.herald.memory.MemoryBudget;

/**
 * A session's bounded outbound buffer: many producers (publishers' threads, the session's
 * owner, timers) offer encoded frames; the transport polls them when it can write.
 * {@link #offer} never blocks and answers {@code false} instead of exceeding the byte
 * bound, which is the signal for the slow-consumer policy. A single frame larger than the
 * bound is accepted when the buffer is empty, so a big message can always pass an idle
 * session.
 *
 * <p>
 * Closing seals the buffer ({@link #seal}) with the session's last frame (the ERROR, or
 * the RECEIPT of a DISCONNECT). The seal is a bit in the same atomic word as the byte
 * count, so an offer either got in before it (and is written before the last frame, even
 * if it adds its frame after the seal) or is refused: once the transport has taken the
 * last frame, nothing else is ever handed out, whatever producers were doing at that
 * moment. The client sees the ERROR as the last frame of the connection.
 *
 * <p>
 * Queued bytes count against the node's {@link MemoryBudget} until the transport takes
 * them or the connection is gone ({@link #discard}).
 *
 * <p>
 * Queue messages are pulled, not pushed: a queue dispatches to a session only while its
 * buffer is less than half full ({@link #hasRoomForQueues()}), and when the transport has
 * drained a buffer that turned a queue away below that mark, the room callback lets the
 * queues resume. A backlog therefore waits in its queue instead of overflowing the buffer
 * of the consumer that subscribes to it (which would drop that consumer as slow, and in
 * the auto ack mode lose what it had been handed).
 *
 * <p>
 * What the transport takes is counted (frames and bytes out, read by operators'
 * snapshots) and one MESSAGE in {@value #LATENCY_SAMPLE_EVERY} has its delivery latency
 * measured, from acceptance for routing to being handed to the socket: the clock is read
 * for the sampled frames only.
 */
public final class Outbound {

	/**
	 * Bytes queued from which a session may be behind for flow control (conflating,
	 * dropping the oldest), unless half the buffer is less: small, because what is queued
	 * is what a conflating subscriber's values are late by.
	 */
	static final long BEHIND_BYTES = 8 * 1024;

	/**
	 * How long the oldest queued message must have waited, with {@link #BEHIND_BYTES}
	 * queued, for the session to be behind: a fast subscriber's burst is queued too, but
	 * not for long.
	 */
	static final long BEHIND_NANOS = 100_000_000;

	/** One taken MESSAGE in this many has its latency measured (a power of two). */
	static final int LATENCY_SAMPLE_EVERY = 16;

	private static final long SEALED = 1L << 62;

	private static final VarHandle FRAMES_OUT;

	private static final VarHandle BYTES_OUT;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			FRAMES_OUT = lookup.findVarHandle(Outbound.class, "framesOut", long.class);
			BYTES_OUT = lookup.findVarHandle(Outbound.class, "bytesOut", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Queue<OutboundFrame> frames = new ConcurrentLinkedQueue<>();

	/** Queued bytes, with {@link #SEALED} set once the buffer is sealed. */
	private final AtomicLong state = new AtomicLong();

	private final AtomicReference<OutboundFrame> last = new AtomicReference<>();

	private final long maxBytes;

	private final long queueDispatchBytes;

	private final long behindBytes;

	private final MemoryBudget memory;

	private final AtomicBoolean waitingForRoom = new AtomicBoolean();

	private final AtomicBoolean waitingToCatchUp = new AtomicBoolean();

	private volatile Runnable onRoomForQueues = () -> {
	};

	private final LongSupplier nanoClock;

	private final LongConsumer latency;

	// ---- written by the transport's polling thread only, read anywhere (opaque) ----

	@SuppressWarnings("unused") // through FRAMES_OUT
	private long framesOut;

	@SuppressWarnings("unused") // through BYTES_OUT
	private long bytesOut;

	private int messagesTaken;

	/**
	 * Sealed and the last frame handed out (or there was none): nothing more to write.
	 */
	private volatile boolean finished;

	Outbound(long maxBytes) {
		this(maxBytes, MemoryBudget.UNBOUNDED);
	}

	/**
	 * @param memory the node-wide budget the queued bytes count against
	 */
	Outbound(long maxBytes, MemoryBudget memory) {
		this(maxBytes, memory, System::nanoTime, (nanos) -> {
		});
	}

	/**
	 * @param nanoClock the clock latencies are measured with, {@link System#nanoTime()}'s
	 * @param latency takes each sampled delivery latency in nanoseconds
	 */
	Outbound(long maxBytes, MemoryBudget memory, LongSupplier nanoClock, LongConsumer latency) {
		this.maxBytes = maxBytes;
		this.queueDispatchBytes = maxBytes / 2;
		this.behindBytes = Math.min(BEHIND_BYTES, this.queueDispatchBytes);
		this.memory = memory;
		this.nanoClock = nanoClock;
		this.latency = latency;
	}

	/**
	 * Runs (on the transport's thread) when a buffer that refused queues has room again,
	 * or one that was {@linkplain #isBehind() behind} has caught up.
	 */
	void onRoomForQueues(Runnable callback) {
		this.onRoomForQueues = callback;
	}

	/**
	 * Whether a queue may dispatch to this session: the buffer is less than half full. A
	 * refusal arms the room callback.
	 */
	boolean hasRoomForQueues() {
		if (queuedBytes() < this.queueDispatchBytes) {
			return true;
		}
		this.waitingForRoom.set(true);
		// the transport may have drained between the check and arming the callback
		return queuedBytes() < this.queueDispatchBytes && this.waitingForRoom.compareAndSet(true, false);
	}

	/**
	 * Whether flow control should hold messages back: at least {@value #BEHIND_BYTES} (or
	 * half the buffer, if less) wait for the transport and the oldest of them was
	 * published more than {@value #BEHIND_NANOS} ns ago, or half the buffer is full.
	 * Asking when behind arms the room callback, which runs when the buffer has drained
	 * below {@value #BEHIND_BYTES}. Costs nothing while less is queued.
	 */
	boolean isBehind() {
		long queued = queuedBytes();
		if (queued < this.behindBytes || (queued < this.queueDispatchBytes && !oldestWaitedLong())) {
			return false;
		}
		this.waitingToCatchUp.set(true);
		// the transport may have drained between the check and arming the callback
		return !(queuedBytes() < this.behindBytes && this.waitingToCatchUp.compareAndSet(true, false));
	}

	/**
	 * Whether the oldest queued frame is a message published over {@value #BEHIND_NANOS}
	 * ns ago, on {@link System#nanoTime()}, the clock messages are stamped with, or no
	 * message at all.
	 */
	private boolean oldestWaitedLong() {
		OutboundFrame oldest = this.frames.peek();
		// a frame of no message (a RECEIPT) says nothing of the wait: the bytes decide
		return oldest != null
				&& (oldest.publishedNanos() == 0 || System.nanoTime() - oldest.publishedNanos() > BEHIND_NANOS);
	}

	/**
	 * Queues a frame unless that would exceed the bound or the buffer is sealed.
	 * @return whether the frame was queued
	 */
	boolean offer(OutboundFrame frame) {
		long size = frame.length();
		while (true) {
			long current = this.state.get();
			if ((current & SEALED) != 0 || (current > 0 && current + size > this.maxBytes)) {
				return false;
			}
			if (this.state.compareAndSet(current, current + size)) {
				break;
			}
		}
		this.memory.reserve(size);
		this.frames.add(frame);
		if (this.finished && this.frames.remove(frame)) {
			// the connection was gone before this frame got in: nobody will poll it
			this.state.addAndGet(-size);
			this.memory.release(size);
		}
		return true;
	}

	/** Whether {@link #seal} ran: the session is closing. */
	boolean isSealed() {
		return (this.state.get() & SEALED) != 0;
	}

	/**
	 * Refuses every further offer; the transport writes what is queued (unless
	 * {@code discardQueued}), then {@code lastFrame}, then closes. Called once, by the
	 * session's close.
	 * @param lastFrame the final frame, or {@code null} for none
	 * @param discardQueued drop what is queued, e.g. for a slow consumer
	 */
	void seal(OutboundFrame lastFrame, boolean discardQueued) {
		// set before the seal bit, so a transport that sees the seal sees the frame
		this.last.set(lastFrame);
		long before = this.state.getAndUpdate((current) -> current | SEALED);
		if ((before & SEALED) != 0) {
			throw new IllegalStateException("outbound buffer sealed twice");
		}
		if (discardQueued) {
			discardQueued();
		}
	}

	/**
	 * Drops everything still queued and hands nothing out any more: the connection is
	 * gone. The bytes go back to the memory budget.
	 */
	void discard() {
		this.finished = true;
		this.last.set(null);
		discardQueued();
	}

	private void discardQueued() {
		OutboundFrame frame;
		while ((frame = this.frames.poll()) != null) {
			this.state.addAndGet(-frame.length());
			this.memory.release(frame.length());
		}
	}

	/** The next frame to write, or {@code null}. For the transport. */
	public OutboundFrame poll() {
		if (this.finished) {
			return null;
		}
		OutboundFrame frame = this.frames.poll();
		if (frame != null) {
			this.memory.release(frame.length());
			long left = this.state.addAndGet(-frame.length()) & ~SEALED;
			if (left < this.queueDispatchBytes && this.waitingForRoom.get()
					&& this.waitingForRoom.compareAndSet(true, false)) {
				this.onRoomForQueues.run();
			}
			else if (left < this.behindBytes && this.waitingToCatchUp.get()
					&& this.waitingToCatchUp.compareAndSet(true, false)) {
				this.onRoomForQueues.run();
			}
			taken(frame);
			return frame;
		}
		if (isSealed()) {
			if (queuedBytes() > 0) {
				// an offer counted before the seal has not added its frame yet: it goes
				// out before the last frame, when its offerer wakes the transport
				return null;
			}
			OutboundFrame lastFrame = this.last.getAndSet(null);
			this.finished = true;
			if (lastFrame != null) {
				taken(lastFrame);
			}
			return lastFrame;
		}
		return null;
	}

	private void taken(OutboundFrame frame) {
		FRAMES_OUT.setOpaque(this, (long) FRAMES_OUT.getOpaque(this) + 1);
		BYTES_OUT.setOpaque(this, (long) BYTES_OUT.getOpaque(this) + frame.length());
		if (frame.publishedNanos() != 0 && (this.messagesTaken++ & (LATENCY_SAMPLE_EVERY - 1)) == 0) {
			this.latency.accept(this.nanoClock.getAsLong() - frame.publishedNanos());
		}
	}

	/** Frames the transport has taken to write. */
	public long framesOut() {
		return (long) FRAMES_OUT.getOpaque(this);
	}

	/** Bytes of the frames the transport has taken to write. */
	public long bytesOut() {
		return (long) BYTES_OUT.getOpaque(this);
	}

	/** The byte bound of the buffer ({@code herald.limits.outbound-buffer-size}). */
	public long maxBytes() {
		return this.maxBytes;
	}

	/** Whether the transport has nothing to write now. */
	public boolean isEmpty() {
		return this.finished || (this.frames.isEmpty() && this.last.get() == null);
	}

	/** Bytes queued and not yet taken by the transport. */
	public long queuedBytes() {
		return this.state.get() & ~SEALED;
	}

	/**
	 * Whether the transport should close the connection now: the buffer is sealed and
	 * everything up to the last frame was handed out (after an ERROR, or the RECEIPT of a
	 * DISCONNECT).
	 */
	public boolean isCloseWhenDrained() {
		return this.finished;
	}

}
