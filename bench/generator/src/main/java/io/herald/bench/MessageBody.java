package io.herald.bench;

import io.netty.buffer.ByteBuf;

/**
 * The fixed layout of a generated message body, so a subscriber reads its three numbers
 * without parsing headers: {@code P}, the stream id (6 digits), the sequence number (12
 * digits), the sender's {@link System#nanoTime()} (19 digits), then padding up to the
 * body size. All ASCII, so every broker carries it as text.
 */
final class MessageBody {

	static final int FIELDS = 1 + 6 + 12 + 19;

	private MessageBody() {
	}

	static void write(ByteBuf buf, int stream, long seq, long nanos, byte[] padding) {
		buf.writeByte('P');
		digits(buf, stream, 6);
		digits(buf, seq, 12);
		digits(buf, nanos, 19);
		buf.writeBytes(padding);
	}

	static boolean isBenchBody(ByteBuf buf, int body, int end) {
		if (end - body < FIELDS || buf.getByte(body) != 'P') {
			return false;
		}
		for (int i = body + 1; i < body + FIELDS; i++) {
			byte b = buf.getByte(i);
			if (b < '0' || b > '9') {
				return false;
			}
		}
		return true;
	}

	static int stream(ByteBuf buf, int body) {
		return (int) parse(buf, body + 1, 6);
	}

	static long seq(ByteBuf buf, int body) {
		return parse(buf, body + 7, 12);
	}

	static long sentNanos(ByteBuf buf, int body) {
		return parse(buf, body + 19, 19);
	}

	private static void digits(ByteBuf buf, long value, int width) {
		int at = buf.writerIndex();
		buf.writerIndex(at + width);
		long v = value;
		for (int i = width - 1; i >= 0; i--) {
			buf.setByte(at + i, (int) ('0' + (v % 10)));
			v /= 10;
		}
	}

	private static long parse(ByteBuf buf, int from, int width) {
		long v = 0;
		for (int i = 0; i < width; i++) {
			v = v * 10 + (buf.getByte(from + i) - '0');
		}
		return v;
	}

}
