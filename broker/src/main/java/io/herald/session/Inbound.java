package io.herald.session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import io.herald.protocol.Frame;
import io.herald.protocol.FrameDecoder;
import io.herald.protocol.FrameDecodingException;
import io.herald.protocol.FrameLimits;
import io.herald.protocol.StompVersion;

/**
 * A session's way in: the incremental decoder and the inbound rate limits (token buckets
 * of frames and bytes per second). Used by the session's owner only.
 */
final class Inbound {

	private final FrameDecoder decoder;

	private final AbuseLimits limits;

	private final TokenBucket frames;

	private final TokenBucket bytes;

	Inbound(FrameLimits frameLimits, AbuseLimits limits, long nowNanos) {
		this.decoder = new FrameDecoder(frameLimits);
		this.limits = limits;
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
