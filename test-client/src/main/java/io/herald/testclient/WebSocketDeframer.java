package io.herald.testclient;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Just enough of RFC 6455 for a client on a plain socket: takes the server's (unmasked)
 * frames apart into whole messages, continuations joined, control frames skipped; and
 * frames a client text message (masked, as a client must).
 */
final class WebSocketDeframer {

	private byte[] pending = new byte[0];

	private final ByteArrayOutputStream message = new ByteArrayOutputStream();

	/** The payloads of the data messages completed by these bytes. */
	List<byte[]> feed(byte[] bytes, int count) {
		byte[] data = Arrays.copyOf(this.pending, this.pending.length + count);
		System.arraycopy(bytes, 0, data, this.pending.length, count);
		List<byte[]> messages = new ArrayList<>();
		int at = 0;
		while (data.length - at >= 2) {
			boolean fin = (data[at] & 0x80) != 0;
			int opcode = data[at] & 0x0f;
			long length = data[at + 1] & 0x7f;
			int header = 2;
			if (length == 126) {
				if (data.length - at < 4) {
					break;
				}
				length = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
				header = 4;
			}
			else if (length == 127) {
				if (data.length - at < 10) {
					break;
				}
				length = 0;
				for (int i = 0; i < 8; i++) {
					length = (length << 8) | (data[at + 2 + i] & 0xff);
				}
				header = 10;
			}
			if (data.length - at - header < length) {
				break;
			}
			int start = at + header;
			at = start + (int) length;
			if (opcode >= 0x8) {
				// close, ping, pong: nothing for STOMP
				continue;
			}
			this.message.write(data, start, (int) length);
			if (fin) {
				messages.add(this.message.toByteArray());
				this.message.reset();
			}
		}
		this.pending = Arrays.copyOfRange(data, at, data.length);
		return messages;
	}

	/** One masked, final text frame carrying the bytes. */
	static byte[] maskedText(byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65_536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			frame.write(0x80 | 127);
			for (int i = 7; i >= 0; i--) {
				frame.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
			}
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.write(mask, 0, 4);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		return frame.toByteArray();
	}

}
