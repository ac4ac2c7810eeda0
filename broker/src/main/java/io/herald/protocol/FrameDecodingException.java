package io.herald.protocol;

/**
 * The one error the decoder raises: the input is not a frame it accepts. The decoder is
 * unusable afterwards; the connection must answer with an ERROR frame and close.
 */
public final class FrameDecodingException extends Exception {

	private static final long serialVersionUID = 1L;

	/** Why the input was refused. */
	public enum Reason {

		/** A command line that names no STOMP command. */
		UNKNOWN_COMMAND,
		/** A header line without a colon, or with an empty name. */
		MALFORMED_HEADER,
		/** An escape sequence STOMP 1.2 does not define ("Value Encoding"). */
		INVALID_ESCAPE,
		/** A header that is not valid UTF-8. */
		INVALID_UTF8,
		/** A {@code content-length} that is not a non-negative integer. */
		INVALID_CONTENT_LENGTH,
		/** A body of declared length not followed by the NUL octet. */
		MISSING_NUL,
		/** A command or header line over the line limit. */
		LINE_TOO_LONG,
		/** More headers than the header-count limit. */
		TOO_MANY_HEADERS,
		/** A frame over the frame-size limit. */
		FRAME_TOO_LARGE

	}

	private final Reason reason;

	private final String receipt;

	FrameDecodingException(Reason reason, String message, String receipt) {
		super(message);
		this.reason = reason;
		this.receipt = receipt;
	}

	public Reason reason() {
		return this.reason;
	}

	/**
	 * The {@code receipt} header of the refused frame if it was read before the error,
	 * else {@code null}.
	 */
	public String receipt() {
		return this.receipt;
	}

}
