package io.herald.session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Frame;
import io.herald.protocol.FrameDecoder;
import io.herald.protocol.FrameDecodingException;
import io.herald.protocol.FrameLimits;
import io.herald.protocol.StompVersion;

/**
 * A session's way in: the incremental decoder, the inbound rate limits (token buckets of
 * frames and bytes per second), and the bytes of the frame in progress counted against
 * the node's memory budget. Used by the session's owner only.
 */
final class Inbound {

	private final FrameDecoder decoder;

	private final AbuseLimits limits;

	private final TokenBucket frames;

	private final TokenBucket bytes;

	private final MemoryBudget memory;

	/** What the frame in progress holds, as last counted against the budget. */
	private long accounted;

	Inbound(FrameLimits frameLimits, AbuseLimits limits, long nowNanos, MemoryBudget memory) {
		this.decoder = new FrameDecoder(frameLimits);
		this.limits = limits;
		this.memory = memory;
		this.frames = (limits.inboundFramesPerSecond() > 0) ? new TokenBucket(limits.inboundFramesPerSecond(), nowNanos)
				: null;
		this.bytes = (limits.inboundBytesPerSecond() > 0) ? new TokenBucket(limits.inboundBytesPerSecond(), nowNanos)
				: null;
	}

	/** Decodes header escapes as the negotiated version defines them. */
	void setVersion(StompVersion version) {
		this.decoder.setVersion(version);
	}

	/**
	 * Decodes the bytes and hands each complete frame on.
	 * @throws StompViolation when the bytes break the byte rate or the framing
	 */
	void decode(ByteBuffer input, long nowNanos, Consumer<Frame> handler) throws StompViolation {
		if (this.bytes != null && !this.bytes.take(input.remaining(), nowNanos)) {
			throw new StompViolation(CloseReason.RATE_LIMITED,
					"inbound rate exceeds the limit of " + this.limits.inboundBytesPerSecond() + " bytes per second");
		}
		try {
			this.decoder.decode(input, handler);
		}
		catch (FrameDecodingException ex) {
			CloseReason reason = switch (ex.reason()) {
				case FRAME_TOO_LARGE, LINE_TOO_LONG, TOO_MANY_HEADERS -> CloseReason.FRAME_TOO_LARGE;
				default -> CloseReason.PROTOCOL_VIOLATION;
			};
			throw new StompViolation(reason, ex.getMessage(), null, ex.receipt());
		}
	}

	/**
	 * Counts what the frame in progress holds now against the memory budget.
	 * @return whether it grew while the memory alarm is engaged: the session must then be
	 * refused, so that partly received frames cannot take the node past its budget
	 */
	boolean accountPartialFrame() {
		long held = this.decoder.bufferedBytes();
		long grown = held - this.accounted;
		if (grown != 0) {
			this.memory.reserve(grown);
			this.accounted = held;
		}
		return grown > 0 && this.memory.isAlarmed();
	}

	/** Gives back what the frame in progress held: the session is gone. */
	void releasePartialFrame() {
		this.memory.release(this.accounted);
		this.accounted = 0;
	}

	/**
	 * Takes one frame from the frame rate.
	 * @throws StompViolation when the frame rate is exceeded
	 */
	void countFrame(long nowNanos) throws StompViolation {
		if (this.frames != null && !this.frames.take(1, nowNanos)) {
			throw new StompViolation(CloseReason.RATE_LIMITED,
					"inbound rate exceeds the limit of " + this.limits.inboundFramesPerSecond() + " frames per second");
		}
	}

}
