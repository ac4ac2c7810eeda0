package io.herald.testclient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A small incremental parser for server frames, independent of the broker's decoder so
 * that the tests check the wire format rather than trust it. Counts the end-of-line
 * heart-beats it sees between frames. Not thread-safe: fed by one reader.
 */
final class FrameParser {

	private byte[] buffer = new byte[8192];

	private int length;

	private int heartBeats;

	private volatile boolean unescape = true;

	/** STOMP 1.0 defines no header escapes. */
	void setUnescape(boolean unescape) {
		this.unescape = unescape;
	}

	int heartBeats() {
		return this.heartBeats;
	}

	void feed(byte[] bytes, int offset, int count, boolean binaryMessage, Consumer<StompFrame> sink) {
		if (this.length + count > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.length + count));
		}
		System.arraycopy(bytes, offset, this.buffer, this.length, count);
		this.length += count;
		int consumed = 0;
		while (true) {
			int end = parseOne(consumed, binaryMessage, sink);
			if (end < 0) {
				break;
			}
			consumed = end;
		}
		if (consumed > 0) {
			System.arraycopy(this.buffer, consumed, this.buffer, 0, this.length - consumed);
			this.length -= consumed;
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
		if (this.buffer[start] == '\r') {
			if (start + 1 >= this.length) {
				return -1;
			}
			this.heartBeats++;
			return start + 2;
		}
		List<String> lines = new ArrayList<>();
		int position = start;
		while (true) {
			int newline = indexOf((byte) '\n', position);
			if (newline < 0) {
				return -1;
			}
			int lineEnd = (newline > position && this.buffer[newline - 1] == '\r') ? newline - 1 : newline;
			String line = new String(this.buffer, position, lineEnd - position, StandardCharsets.UTF_8);
			position = newline + 1;
			if (line.isEmpty()) {
				break;
			}
			lines.add(line);
		}
		String command = lines.get(0);
		boolean unescapeHeaders = this.unescape && !command.equals("CONNECTED");
		List<String[]> headers = new ArrayList<>();
		int contentLength = -1;
		for (String line : lines.subList(1, lines.size())) {
			int colon = line.indexOf(':');
			String name = (colon < 0) ? line : line.substring(0, colon);
			String value = (colon < 0) ? "" : line.substring(colon + 1);
			if (unescapeHeaders) {
				name = unescape(name);
				value = unescape(value);
			}
			headers.add(new String[] { name, value });
			if (contentLength < 0 && name.equals("content-length")) {
				contentLength = Integer.parseInt(value.trim());
			}
		}
		int bodyEnd;
		if (contentLength >= 0) {
			if (position + contentLength + 1 > this.length) {
				return -1;
			}
			bodyEnd = position + contentLength;
			if (this.buffer[bodyEnd] != 0) {
				throw new IllegalStateException("no NUL after content-length " + contentLength + " in " + command);
			}
		}
		else {
			bodyEnd = indexOf((byte) 0, position);
			if (bodyEnd < 0) {
				return -1;
			}
		}
		byte[] body = Arrays.copyOfRange(this.buffer, position, bodyEnd);
		sink.accept(StompFrame.parsed(command, headers, body, binaryMessage));
		return bodyEnd + 1;
	}

	private int indexOf(byte b, int from) {
		for (int i = from; i < this.length; i++) {
			if (this.buffer[i] == b) {
				return i;
			}
		}
		return -1;
	}

	private static String unescape(String raw) {
		if (raw.indexOf('\\') < 0) {
			return raw;
		}
		StringBuilder sb = new StringBuilder(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '\\' || i + 1 >= raw.length()) {
				sb.append(c);
				continue;
			}
			char next = raw.charAt(++i);
			switch (next) {
				case 'n' -> sb.append('\n');
				case 'r' -> sb.append('\r');
				case 'c' -> sb.append(':');
				case '\\' -> sb.append('\\');
				default -> throw new IllegalStateException("undefined escape \\" + next + " in '" + raw + "'");
			}
		}
		return sb.toString();
	}

}
