package io.herald.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import io.herald.protocol.FrameDecodingException.Reason;

/**
 * Incremental STOMP frame decoder (STOMP 1.2, "Augmented BNF").
 *
 * <p>
 * Bytes arrive in chunks of any size: a frame may be split across transport messages and
 * one message may carry several frames. The decoder is an explicit state machine
 * ({@code COMMAND → HEADERS → BODY → [NUL] → COMMAND}) with a terminal {@code FAILED}
 * state; every bound of {@link FrameLimits} is checked before the byte that would cross
 * it is buffered, so a hostile peer can make it hold at most {@code maxFrameBytes}.
 * End-of-line octets between frames are heart-beats and are skipped.
 *
 * <p>
 * Memory follows the bytes that arrive, never the bytes a peer declares: a
 * {@code content-length} is checked against the frame limit at once, but the body buffer
 * starts with what the first chunk brings and doubles, capped at the declared length, as
 * more arrives. A peer that announces a large body and sends nothing costs nothing; one
 * that sends part of it costs at most twice what it sent, and growth copies each byte a
 * bounded number of times (amortised linear). {@link #bufferedBytes()} reports what the
 * frame in progress holds so a caller can account it against a shared budget.
 *
 * <p>
 * Header values are unescaped per the negotiated version ({@link #setVersion}): 1.2
 * defines {@code \r \n \c \\}, 1.1 the same without {@code \r}, 1.0 no escapes at all.
 * CONNECT, STOMP and CONNECTED frames are never unescaped. Before negotiation the decoder
 * assumes 1.2 for other commands. The line limit does not count the line ending, CR
 * included. Not thread-safe: one decoder per connection, fed by one thread at a time.
 */
public final class FrameDecoder {

	private enum State {

		COMMAND, HEADERS, BODY, NUL, FAILED

	}

	private static final int NO_LENGTH = -1;

	private static final byte[] NO_BODY = new byte[0];

	/** Line buffer kept between frames; a longer line grows it only for its frame. */
	private static final int LINE_CAPACITY = 128;

	/** First body allocation when no content-length says where the body ends. */
	private static final int UNDECLARED_BODY_CAPACITY = 256;

	private final FrameLimits limits;

	private StompVersion version = StompVersion.V1_2;

	private State state = State.COMMAND;

	private byte[] line = new byte[LINE_CAPACITY];

	private int lineLength;

	private int frameBytes;

	/** Bytes of the command and header lines, fixed at the blank line ending them. */
	private int headerBytes;

	private Command command;

	private Headers.Builder headers;

	private int contentLength;

	private byte[] body;

	private int bodyLength;

	private String receipt;

	private FrameDecodingException failure;

	private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT);

	public FrameDecoder(FrameLimits limits) {
		if (limits == null) {
			throw new IllegalArgumentException("limits must not be null");
		}
		this.limits = limits;
	}

	/** Sets the version negotiated at CONNECT; it decides header unescaping. */
	public void setVersion(StompVersion version) {
		this.version = version;
	}

	/** Whether the decoder holds part of a frame (not counting skipped heart-beats). */
	public boolean isMidFrame() {
		if (this.state != State.COMMAND) {
			return true;
		}
		// a lone CR is the first half of a CRLF heart-beat
		return this.lineLength > 1 || (this.lineLength == 1 && this.line[0] != '\r');
	}

	/**
	 * Bytes this decoder holds for the frame in progress: the command and header bytes
	 * received so far (a partial line included), plus the capacity it allocated for the
	 * body, plus the line buffer's capacity while a long line has grown it. Buffers the
	 * decoder keeps for its whole life (a {@value #LINE_CAPACITY}-byte line buffer) are
	 * not counted, so between frames (after a frame is passed on, or once the decoder has
	 * failed) it returns about 0; a skipped CR heart-beat may count as 1.
	 *
	 * <p>
	 * It never exceeds {@code maxFrameBytes + maxHeaderLineBytes + 1}. A body declared by
	 * {@code content-length} counts at most twice the body bytes received, whatever the
	 * declared length; a body without one counts at least 256 bytes once it has begun.
	 * Read it from the thread that feeds the decoder, for instance after each
	 * {@link #decode} call, to account the frame against a budget.
	 */
	public long bufferedBytes() {
		long held = (this.body != null) ? (long) this.headerBytes + this.body.length : this.frameBytes;
		if (this.line.length > LINE_CAPACITY) {
			held += this.line.length;
		}
		return held;
	}

	/**
	 * Decodes what {@code in} holds, passing each complete frame to {@code sink} in
	 * order, and keeps any trailing partial frame for the next call.
	 * @throws FrameDecodingException if the input breaks the grammar or a limit; frames
	 * completed before the error have been passed on, and every later call fails the same
	 */
	public void decode(ByteBuffer in, Consumer<Frame> sink) throws FrameDecodingException {
		if (this.failure != null) {
			throw this.failure;
		}
		try {
			while (in.hasRemaining()) {
				switch (this.state) {
					case COMMAND, HEADERS -> readLine(in, sink);
					case BODY -> readBody(in, sink);
					case NUL -> {
						if (in.get() != 0) {
							throw fail(Reason.MISSING_NUL,
									"frame body is longer than its content-length of " + this.contentLength);
						}
						complete(sink);
					}
					case FAILED -> throw this.failure;
				}
			}
		}
		catch (FrameDecodingException ex) {
			this.state = State.FAILED;
			this.failure = ex;
			release();
			throw ex;
		}
	}

	private void readLine(ByteBuffer in, Consumer<Frame> sink) throws FrameDecodingException {
		while (in.hasRemaining()) {
			byte b = in.get();
			if (b == '\n') {
				int length = this.lineLength;
				if (length > 0 && this.line[length - 1] == '\r') {
					length--;
				}
				this.lineLength = 0;
				countFrameBytes(1);
				if (this.state == State.COMMAND) {
					if (length > 0) {
						startFrame(length);
						return;
					}
					// an empty line between frames is a heart-beat
					this.frameBytes = 0;
				}
				else {
					if (length == 0) {
						endHeaders();
						return;
					}
					addHeader(length);
				}
				continue;
			}
			if (this.state == State.COMMAND && this.lineLength == 0 && b == 0) {
				// tolerate stray NULs between frames, as some 1.0 clients send them
				continue;
			}
			// a line of the full limit may still take the CR of its CRLF ending
			if (this.lineLength >= this.limits.maxHeaderLineBytes()
					&& !(b == '\r' && this.lineLength == this.limits.maxHeaderLineBytes())) {
				throw fail(Reason.LINE_TOO_LONG,
						"header line exceeds the limit of " + this.limits.maxHeaderLineBytes() + " bytes");
			}
			countFrameBytes(1);
			if (this.lineLength == this.line.length) {
				this.line = Arrays.copyOf(this.line,
						(int) Math.min(2L * this.line.length, this.limits.maxHeaderLineBytes() + 1L));
			}
			this.line[this.lineLength++] = b;
		}
	}

	private void startFrame(int length) throws FrameDecodingException {
		Command parsed = Command.fromWire(this.line, 0, length);
		if (parsed == null) {
			String shown = new String(this.line, 0, Math.min(length, 32), StandardCharsets.ISO_8859_1);
			throw fail(Reason.UNKNOWN_COMMAND, "unknown command '" + shown + "'");
		}
		this.command = parsed;
		this.headers = Headers.builder();
		this.contentLength = NO_LENGTH;
		this.receipt = null;
		this.state = State.HEADERS;
	}

	private void addHeader(int length) throws FrameDecodingException {
		if (this.headers.size() == this.limits.maxHeaderCount()) {
			throw fail(Reason.TOO_MANY_HEADERS,
					"frame exceeds the limit of " + this.limits.maxHeaderCount() + " headers");
		}
		int colon = -1;
		for (int i = 0; i < length; i++) {
			if (this.line[i] == ':') {
				colon = i;
				break;
			}
		}
		if (colon <= 0) {
			throw fail(Reason.MALFORMED_HEADER,
					(colon == 0) ? "header line with an empty name" : "header line without a colon");
		}
		boolean unescape = this.version.escapesHeaders() && !this.command.isEscapeExempt();
		String name = text(0, colon, unescape);
		String value = text(colon + 1, length, unescape);
		this.headers.add(name, value);
		if (this.contentLength == NO_LENGTH && "content-length".equals(name)) {
			this.contentLength = parseContentLength(value);
		}
		if (this.receipt == null && "receipt".equals(name)) {
			this.receipt = value;
		}
	}

	private int parseContentLength(String value) throws FrameDecodingException {
		String trimmed = value.trim();
		long parsed = 0;
		if (trimmed.isEmpty() || trimmed.length() > 10) {
			throw fail(Reason.INVALID_CONTENT_LENGTH, "content-length '" + value + "' is not a byte count");
		}
		for (int i = 0; i < trimmed.length(); i++) {
			char c = trimmed.charAt(i);
			if (c < '0' || c > '9') {
				throw fail(Reason.INVALID_CONTENT_LENGTH, "content-length '" + value + "' is not a byte count");
			}
			parsed = parsed * 10 + (c - '0');
		}
		checkDeclaredLength(parsed);
		return (int) parsed;
	}

	/**
	 * Refuses a declared body that cannot fit in what the frame limit leaves after the
	 * bytes read so far: checked on the {@code content-length} line to fail early, and
	 * again at the blank line, since header lines after it also count.
	 */
	private void checkDeclaredLength(long length) throws FrameDecodingException {
		if (length > this.limits.maxFrameBytes() - this.frameBytes) {
			throw fail(Reason.FRAME_TOO_LARGE, "frame with content-length " + length + " exceeds the limit of "
					+ this.limits.maxFrameBytes() + " bytes per frame");
		}
	}

	private void endHeaders() throws FrameDecodingException {
		this.headerBytes = this.frameBytes;
		if (this.line.length > LINE_CAPACITY) {
			// a long header line needs no room while the body is read
			this.line = new byte[LINE_CAPACITY];
		}
		this.body = NO_BODY;
		this.bodyLength = 0;
		if (this.contentLength != NO_LENGTH) {
			// refused before any body byte is read; memory comes only as bytes arrive
			checkDeclaredLength(this.contentLength);
			this.state = (this.contentLength == 0) ? State.NUL : State.BODY;
		}
		else {
			this.state = State.BODY;
		}
	}

	private void readBody(ByteBuffer in, Consumer<Frame> sink) throws FrameDecodingException {
		if (this.contentLength != NO_LENGTH) {
			int n = Math.min(in.remaining(), this.contentLength - this.bodyLength);
			growBody(this.bodyLength + n, this.contentLength);
			in.get(this.body, this.bodyLength, n);
			this.bodyLength += n;
			this.frameBytes += n;
			if (this.bodyLength == this.contentLength) {
				this.state = State.NUL;
			}
			return;
		}
		while (in.hasRemaining()) {
			byte b = in.get();
			if (b == 0) {
				if (this.body.length != this.bodyLength) {
					this.body = Arrays.copyOf(this.body, this.bodyLength);
				}
				complete(sink);
				return;
			}
			countFrameBytes(1);
			if (this.bodyLength == this.body.length) {
				// no body byte past what the frame limit leaves is ever admitted
				growBody(Math.max(this.bodyLength + 1, UNDECLARED_BODY_CAPACITY),
						this.limits.maxFrameBytes() - this.headerBytes);
			}
			this.body[this.bodyLength++] = b;
		}
	}

	/**
	 * Makes room for {@code needed} body bytes: at least double the current capacity, so
	 * each byte is copied a bounded number of times, but never past {@code ceiling} (the
	 * declared length, or what the frame limit leaves when none was declared).
	 */
	private void growBody(int needed, int ceiling) {
		if (needed <= this.body.length) {
			return;
		}
		int capacity = (int) Math.min(Math.max(needed, 2L * this.body.length), ceiling);
		this.body = Arrays.copyOf(this.body, capacity);
	}

	/** Lets go of what the frame in progress held, keeping the small line buffer. */
	private void release() {
		this.headers = null;
		this.body = null;
		this.bodyLength = 0;
		this.lineLength = 0;
		this.frameBytes = 0;
		this.headerBytes = 0;
		if (this.line.length > LINE_CAPACITY) {
			this.line = new byte[LINE_CAPACITY];
		}
	}

	private void complete(Consumer<Frame> sink) {
		Frame frame = new Frame(this.command, this.headers.build(), this.body);
		this.command = null;
		this.receipt = null;
		release();
		this.state = State.COMMAND;
		sink.accept(frame);
	}

	private void countFrameBytes(int n) throws FrameDecodingException {
		this.frameBytes += n;
		if (this.frameBytes > this.limits.maxFrameBytes()) {
			throw fail(Reason.FRAME_TOO_LARGE, "frame exceeds the limit of " + this.limits.maxFrameBytes() + " bytes");
		}
	}

	private String text(int from, int to, boolean unescape) throws FrameDecodingException {
		boolean ascii = true;
		boolean escaped = false;
		for (int i = from; i < to; i++) {
			byte b = this.line[i];
			ascii &= b >= 0;
			escaped |= b == '\\';
		}
		String raw;
		if (ascii) {
			raw = new String(this.line, from, to - from, StandardCharsets.ISO_8859_1);
		}
		else {
			try {
				CharBuffer chars = this.utf8.reset().decode(ByteBuffer.wrap(this.line, from, to - from));
				raw = chars.toString();
			}
			catch (CharacterCodingException ex) {
				throw fail(Reason.INVALID_UTF8, "header is not valid UTF-8");
			}
		}
		return (unescape && escaped) ? unescape(raw) : raw;
	}

	private String unescape(String raw) throws FrameDecodingException {
		StringBuilder sb = new StringBuilder(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '\\') {
				sb.append(c);
				continue;
			}
			char next = (i + 1 < raw.length()) ? raw.charAt(++i) : 0;
			switch (next) {
				case 'n' -> sb.append('\n');
				case 'c' -> sb.append(':');
				case '\\' -> sb.append('\\');
				case 'r' -> {
					if (this.version != StompVersion.V1_2) {
						throw fail(Reason.INVALID_ESCAPE,
								"undefined escape sequence '\\r' in header (STOMP 1.1 defines \\n \\c \\\\)");
					}
					sb.append('\r');
				}
				default -> throw fail(Reason.INVALID_ESCAPE, "undefined escape sequence '\\" + ((next != 0) ? next : "")
						+ "' in header (STOMP 1.2 defines \\r \\n \\c \\\\)");
			}
		}
		return sb.toString();
	}

	private FrameDecodingException fail(Reason reason, String message) {
		return new FrameDecodingException(reason, message, this.receipt);
	}

}
