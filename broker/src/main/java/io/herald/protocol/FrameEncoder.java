package io.herald.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames in wire format, escaping header values as the negotiated version requires
 * (STOMP 1.2, "Value Encoding"; 1.1 has no {@code \r} escape, 1.0 none at all). A
 * {@code content-length} header is added for any non-empty body that lacks one, so bodies
 * may hold NUL octets.
 *
 * <p>
 * Where no escape applies (1.0, and CONNECT, STOMP and CONNECTED frames), a line feed in
 * a header name or value cannot be represented; it is written as a space, so that a
 * header never ends its line early and cannot inject headers or a body.
 */
public final class FrameEncoder {

	private static final byte[] HEART_BEAT = { '\n' };

	private FrameEncoder() {
	}

	/** The wire form of a heart-beat: one end-of-line. */
	public static byte[] heartBeat() {
		return HEART_BEAT.clone();
	}

	public static byte[] encode(Frame frame, StompVersion version) {
		byte[] body = frame.body();
		ByteArrayOutputStream out = new ByteArrayOutputStream(64 + body.length);
		out.writeBytes(frame.command().bytes());
		out.write('\n');
		boolean escape = version.escapesHeaders() && !frame.command().isEscapeExempt();
		Headers headers = frame.headers();
		for (int i = 0; i < headers.size(); i++) {
			writeHeader(out, headers.name(i), headers.value(i), escape, version);
		}
		if (body.length > 0 && !headers.contains("content-length")) {
			writeHeader(out, "content-length", Integer.toString(body.length), false, version);
		}
		out.write('\n');
		out.writeBytes(body);
		out.write(0);
		return out.toByteArray();
	}

	/**
	 * Writes one {@code name:value} line.
	 * @param escape whether to escape; false for CONNECT/CONNECTED frames and for 1.0
	 */
	public static void writeHeader(ByteArrayOutputStream out, String name, String value, boolean escape,
			StompVersion version) {
		writeText(out, name, escape, version);
		out.write(':');
		writeText(out, value, escape, version);
		out.write('\n');
	}

	/**
	 * Writes the escaped form of a header name or value (no colon, no end of line).
	 * Unescaped text has each line feed written as a space.
	 */
	public static void writeText(ByteArrayOutputStream out, String text, boolean escape, StompVersion version) {
		if (!escape) {
			out.writeBytes(text.replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
			return;
		}
		if (!needsEscape(text)) {
			out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
			return;
		}
		StringBuilder sb = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case ':' -> sb.append("\\c");
				case '\r' -> sb.append((version == StompVersion.V1_2) ? "\\r" : "\r");
				default -> sb.append(c);
			}
		}
		out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
	}

	private static boolean needsEscape(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\' || c == '\n' || c == ':' || c == '\r') {
				return true;
			}
		}
		return false;
	}

}
