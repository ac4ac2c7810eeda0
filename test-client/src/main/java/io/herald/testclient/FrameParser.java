package io.herald.testclient;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An incremental parser for the frames a STOMP server sends, written from the STOMP 1.2
 * "Augmented BNF" and "Value Encoding" sections and sharing nothing with Herald's
 * decoder, so that tests check the wire format rather than read it back the way it was
 * written.
 * <p>
 * Bytes are buffered until a whole frame is there, then parsed from its first byte; an
 * incomplete frame costs a re-parse when more bytes come, which is cheap at test sizes
 * and keeps every rule in one straight pass. End-of-line bytes between frames are counted
 * as heart-beats. The rules follow the version the server speaks: 1.2 until a CONNECTED
 * frame names another (none named is 1.0), as a client's parser would. CONNECTED itself
 * is never unescaped (1.2: "CONNECT and CONNECTED frames do not escape").
 * <p>
 * Strict where a lenient parser would hide a server bug: an unknown command, a header
 * line without a colon, an unescaped colon in an escaped value, an undefined escape, a CR
 * that does not end a 1.2 line, a content-length that is not a number or is not followed
 * by NUL, invalid UTF-8 in the command or headers. The first violation throws
 * {@link MalformedFrameException} and leaves the parser broken: every later {@link #feed}
 * throws it again rather than guess where the next frame starts.
 * <p>
 * Not thread-safe: fed by one reader.
 */
final class FrameParser {

	private static final Set<String> SERVER_COMMANDS = Set.of("CONNECTED", "MESSAGE", "RECEIPT", "ERROR");

	private byte[] buffer = new byte[8192];

	private int length;

	private int heartBeats;

	private StompVersion version = StompVersion.V1_2;

	private MalformedFrameException failure;

	/** End-of-line heart-beats seen between frames so far. */
	int heartBeats() {
		return this.heartBeats;
	}

	/** The version whose rules apply to the next frame. */
	StompVersion version() {
		return this.version;
	}

	/**
	 * Takes the next bytes off the wire and hands every frame they complete to the sink.
	 * @param binaryMessage whether the bytes came in a binary WebSocket message (recorded
	 * on the frames)
	 * @throws MalformedFrameException if the server broke the protocol, now or before
	 */
	void feed(byte[] bytes, int offset, int count, boolean binaryMessage, Consumer<StompFrame> sink) {
		if (this.failure != null) {
			throw this.failure;
		}
		if (this.length + count > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.length + count));
		}
		System.arraycopy(bytes, offset, this.buffer, this.length, count);
		this.length += count;
		int consumed = 0;
		try {
			while (true) {
				int end = parseOne(consumed, binaryMessage, sink);
				if (end < 0) {
					break;
				}
				consumed = end;
			}
		}
		catch (MalformedFrameException ex) {
			this.failure = ex;
			throw ex;
		}
		finally {
			if (consumed > 0) {
				System.arraycopy(this.buffer, consumed, this.buffer, 0, this.length - consumed);
				this.length -= consumed;
			}
		}
	}

	/** Parses one heart-beat or frame at {@code start}; answers where it ended or -1. */
	private int parseOne(int start, boolean binaryMessage, Consumer<StompFrame> sink) {
		if (start >= this.length) {
			return -1;
		}
		if (this.buffer[start] == '\n') {
			this.heartBeats++;
			return start + 1;
		}
		if (this.buffer[start] == '\r' && this.version.allowsCrLf()) {
			if (start + 1 >= this.length) {
				return -1;
			}
			if (this.buffer[start + 1] != '\n') {
				throw malformed("CR not followed by LF between frames");
			}
			this.heartBeats++;
			return start + 2;
		}
		int commandEnd = lineEnd(start);
		if (commandEnd < 0) {
			return -1;
		}
		String command = text(start, contentEnd(start, commandEnd), "command");
		if (!SERVER_COMMANDS.contains(command)) {
			throw malformed("unknown server command '" + command + "'");
		}
		boolean escaped = this.version.escapesHeaders() && !command.equals("CONNECTED");
		List<String[]> headers = new ArrayList<>();
		int contentLength = -1;
		boolean contentLengthSeen = false;
		int position = commandEnd + 1;
		while (true) {
			int end = lineEnd(position);
			if (end < 0) {
				return -1;
			}
			int content = contentEnd(position, end);
			if (content == position) {
				position = end + 1;
				break;
			}
			String[] header = header(position, content, escaped, command);
			headers.add(header);
			if (!contentLengthSeen && header[0].equals("content-length")) {
				// repeated headers: the first one counts (1.2 "Repeated Header Entries")
				contentLengthSeen = true;
				contentLength = contentLength(header[1], command);
			}
			position = end + 1;
		}
		int bodyEnd;
		if (contentLengthSeen) {
			if ((long) position + contentLength + 1 > this.length) {
				return -1;
			}
			bodyEnd = position + contentLength;
			if (this.buffer[bodyEnd] != 0) {
				throw malformed("no NUL after the content-length:" + contentLength + " body of " + command);
			}
		}
		else {
			bodyEnd = indexOf((byte) 0, position);
			if (bodyEnd < 0) {
				return -1;
			}
		}
		StompFrame frame = StompFrame.parsed(command, headers, Arrays.copyOfRange(this.buffer, position, bodyEnd),
				binaryMessage);
		if (command.equals("CONNECTED")) {
			try {
				this.version = StompVersion.ofConnected(frame.header("version"));
			}
			catch (IllegalArgumentException ex) {
				throw malformed("CONNECTED names an unknown " + ex.getMessage());
			}
		}
		sink.accept(frame);
		return bodyEnd + 1;
	}

	/** The index of the LF that ends the line starting at {@code from}, or -1. */
	private int lineEnd(int from) {
		return indexOf((byte) '\n', from);
	}

	/**
	 * Where the line's content ends: before a CR LF in 1.2, else at the LF. A CR anywhere
	 * else in a 1.2 line is a violation (header values cannot hold one unescaped).
	 */
	private int contentEnd(int start, int lf) {
		if (!this.version.allowsCrLf()) {
			return lf;
		}
		int end = (lf > start && this.buffer[lf - 1] == '\r') ? lf - 1 : lf;
		for (int i = start; i < end; i++) {
			if (this.buffer[i] == '\r') {
				throw malformed("CR inside a line");
			}
		}
		return end;
	}

	private String[] header(int start, int end, boolean escaped, String command) {
		int colon = -1;
		for (int i = start; i < end; i++) {
			if (this.buffer[i] == ':') {
				colon = i;
				break;
			}
		}
		if (colon < 0) {
			throw malformed("header line without a colon in " + command + ": '" + text(start, end, "header") + "'");
		}
		if (colon == start) {
			throw malformed("header with an empty name in " + command);
		}
		String name = text(start, colon, "header name");
		String value = text(colon + 1, end, "header value");
		if (!escaped) {
			return new String[] { name, value };
		}
		if (value.indexOf(':') >= 0) {
			throw malformed("unescaped colon in the value of header '" + name + "' of " + command);
		}
		return new String[] { unescape(name), unescape(value) };
	}

	private int contentLength(String value, String command) {
		if (value.isEmpty() || !value.chars().allMatch((c) -> c >= '0' && c <= '9') || value.length() > 9) {
			throw malformed("content-length '" + value + "' of " + command + " is not a byte count");
		}
		return Integer.parseInt(value);
	}

	private String unescape(String raw) {
		if (raw.indexOf('\\') < 0) {
			return raw;
		}
		StringBuilder sb = new StringBuilder(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '\\') {
				sb.append(c);
				continue;
			}
			if (i + 1 >= raw.length()) {
				throw malformed("backslash at the end of '" + raw + "'");
			}
			char next = raw.charAt(++i);
			if (!this.version.definesEscape(next)) {
				throw malformed("undefined escape \\" + next + " in '" + raw + "' (STOMP " + this.version + ")");
			}
			switch (next) {
				case 'n' -> sb.append('\n');
				case 'r' -> sb.append('\r');
				case 'c' -> sb.append(':');
				default -> sb.append('\\');
			}
		}
		return sb.toString();
	}

	private String text(int start, int end, String what) {
		CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try {
			return utf8.decode(ByteBuffer.wrap(this.buffer, start, end - start)).toString();
		}
		catch (CharacterCodingException ex) {
			throw malformed(what + " is not valid UTF-8");
		}
	}

	private int indexOf(byte b, int from) {
		for (int i = from; i < this.length; i++) {
			if (this.buffer[i] == b) {
				return i;
			}
		}
		return -1;
	}

	private MalformedFrameException malformed(String reason) {
		return new MalformedFrameException(reason);
	}

}
