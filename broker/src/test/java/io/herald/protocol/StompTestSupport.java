package io.herald.protocol;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Helpers shared by the codec tests: wire bytes from text, feeding a decoder in chunks, a
 * comparable description of frames and a measure of the memory a decoder holds.
 */
final class StompTestSupport {

	private static final List<Field> BUFFER_FIELDS = bufferFields();

	private StompTestSupport() {
	}

	/** The UTF-8 bytes of a frame written as text ({@code "\0"} is the NUL octet). */
	static byte[] bytes(String wire) {
		return wire.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** Decodes the text with default limits and version, in one chunk. */
	static List<Frame> decode(String wire) throws FrameDecodingException {
		return decode(new FrameDecoder(FrameLimits.DEFAULT), bytes(wire));
	}

	/** Feeds each chunk in order and collects the frames the decoder emits. */
	static List<Frame> decode(FrameDecoder decoder, byte[]... chunks) throws FrameDecodingException {
		List<Frame> frames = new ArrayList<>();
		for (byte[] chunk : chunks) {
			ByteBuffer buffer = ByteBuffer.wrap(chunk);
			decoder.decode(buffer, frames::add);
			if (buffer.hasRemaining()) {
				throw new AssertionError("decoder left " + buffer.remaining() + " bytes unread");
			}
		}
		return frames;
	}

	/** Decodes the input byte by byte, each byte in a buffer of its own. */
	static List<Frame> decodeByteByByte(FrameDecoder decoder, byte[] input) throws FrameDecodingException {
		List<Frame> frames = new ArrayList<>();
		for (byte b : input) {
			decoder.decode(ByteBuffer.wrap(new byte[] { b }), frames::add);
		}
		return frames;
	}

	/** Feeds the chunks and answers the failure they must cause. */
	static FrameDecodingException failure(FrameDecoder decoder, byte[]... chunks) {
		return failure(decoder, new ArrayList<>(), chunks);
	}

	/**
	 * Feeds the chunks, collecting frames decoded before the error into {@code frames},
	 * and answers the failure they must cause.
	 */
	static FrameDecodingException failure(FrameDecoder decoder, List<Frame> frames, byte[]... chunks) {
		try {
			for (byte[] chunk : chunks) {
				decoder.decode(ByteBuffer.wrap(chunk), frames::add);
			}
		}
		catch (FrameDecodingException ex) {
			return ex;
		}
		throw new AssertionError("expected a FrameDecodingException, but decoded " + describe(frames));
	}

	/** A readable, comparable rendering of a frame: command, headers in order, body. */
	static String describe(Frame frame) {
		StringBuilder sb = new StringBuilder(frame.command().name());
		frame.headers()
			.forEach((name,
					value) -> sb.append(" [").append(visible(name)).append("=").append(visible(value)).append(']'));
		return sb.append(" body=").append(HexFormat.of().formatHex(frame.body())).toString();
	}

	static List<String> describe(List<Frame> frames) {
		return frames.stream().map(StompTestSupport::describe).toList();
	}

	private static String visible(String text) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '\n' -> sb.append("<LF>");
				case '\r' -> sb.append("<CR>");
				case '\0' -> sb.append("<NUL>");
				default -> sb.append(c);
			}
		}
		return sb.toString();
	}

	/**
	 * The bytes a decoder holds in its buffers (every {@code byte[]} field). Reflection
	 * keeps the production class free of test hooks; the bound it checks is documented by
	 * {@link FrameDecoder}.
	 */
	static long retainedBytes(FrameDecoder decoder) {
		long total = 0;
		for (Field field : BUFFER_FIELDS) {
			try {
				byte[] buffer = (byte[]) field.get(decoder);
				total += (buffer != null) ? buffer.length : 0;
			}
			catch (IllegalAccessException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return total;
	}

	private static List<Field> bufferFields() {
		List<Field> fields = new ArrayList<>();
		for (Field field : FrameDecoder.class.getDeclaredFields()) {
			if (field.getType() == byte[].class && !Modifier.isStatic(field.getModifiers())) {
				field.setAccessible(true);
				fields.add(field);
			}
		}
		if (fields.isEmpty()) {
			throw new IllegalStateException("FrameDecoder has no byte[] buffer field to measure");
		}
		return List.copyOf(fields);
	}

	/**
	 * The smallest number of bytes the frame can have taken on the wire: command line,
	 * header lines and blank line with LF endings and no escapes, then the body. Escaping
	 * and CR only make the real frame longer, so this must never exceed the frame limit.
	 */
	static long minimumWireBytes(Frame frame) {
		long[] total = { frame.command().name().length() + 1 };
		frame.headers().forEach((name, value) -> total[0] += utf8Length(name) + 1 + utf8Length(value) + 1);
		return total[0] + 1 + frame.body().length;
	}

	static int utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

}
