package io.herald.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.herald.protocol.FrameDecodingException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.herald.protocol.StompTestSupport.describe;
import static io.herald.protocol.StompTestSupport.minimumWireBytes;
import static io.herald.protocol.StompTestSupport.retainedBytes;
import static io.herald.protocol.StompTestSupport.utf8Length;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Deterministic fuzzing of the decoder with small limits: random bytes and mutated valid
 * streams (bit flips, byte substitutions, insertions, deletions, truncation, duplication)
 * fed in random chunks. The decoder may only ever refuse input with a
 * {@link FrameDecodingException}, every frame it emits must respect the limits, and the
 * memory it holds must stay within them. Each iteration has its own seed, reported on
 * failure, so any case replays alone.
 */
class FrameDecoderFuzzTest {

	private static final FrameLimits LIMITS = new FrameLimits(512, 128, 8);

	private static final long BASE_SEED = 0x48_45_52_41_4C_44L;

	private static final int ITERATIONS = 20_000;

	private static final long RETAINED_BOUND = (long) LIMITS.maxFrameBytes() + LIMITS.maxHeaderLineBytes() + 1;

	private static final byte[][] TOKENS = tokens("SEND", "MESSAGE", "CONNECT", "STOMP", "SUBSCRIBE", "ACK", "ERROR",
			"content-length:", "content-length:0", "content-length:-1", "content-length:999999", "receipt:",
			"destination:/queue/a", "\n", "\r\n", "\n\n", "\0", ":", "\\", "\\c", "\\n", "\\r", "\\\\", "\\t", "é", "日",
			"🎉", "0", "9");

	private static final byte[] INTERESTING = { 0, '\n', '\r', ':', '\\', 'c', 'n', 'r', '0', '9', '-', ' ',
			(byte) 0x80, (byte) 0xC3, (byte) 0xE6, (byte) 0xED, (byte) 0xF0, (byte) 0xFF };

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void randomAndMutatedInputIsOnlyEverRefusedWithFrameDecodingException() {
		int refused = 0;
		int framesSeen = 0;
		for (int i = 0; i < ITERATIONS; i++) {
			long seed = BASE_SEED + i;
			Random random = new Random(seed);
			StompVersion version = StompVersion.values()[random.nextInt(3)];
			Generated generated = null;
			byte[] input;
			int kind = random.nextInt(8);
			if (kind == 0) {
				input = randomBytes(random);
			}
			else if (kind == 1) {
				input = tokenSoup(random);
			}
			else {
				generated = generate(random, version);
				input = (kind == 2) ? generated.wire : mutate(random, generated.wire);
			}
			try {
				Result result = feedInRandomChunks(random, version, input);
				if (kind == 2) {
					checkAgainstOracle(generated, result);
				}
				refused += (result.failure != null) ? 1 : 0;
				framesSeen += result.frames.size();
			}
			catch (RuntimeException | Error ex) {
				throw new AssertionError("iteration " + i + " (seed " + seed + ", " + version + ") failed on input "
						+ HexFormat.of().formatHex(input), ex);
			}
		}
		// the corpus must exercise both outcomes, or the test proves little
		assertThat(refused).isBetween(ITERATIONS / 10, ITERATIONS - ITERATIONS / 10);
		assertThat(framesSeen).isGreaterThan(ITERATIONS);
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void chunkingNeverChangesTheOutcome() {
		for (int i = 0; i < 5_000; i++) {
			long seed = BASE_SEED - i;
			Random random = new Random(seed);
			StompVersion version = StompVersion.values()[random.nextInt(3)];
			byte[] input = (random.nextInt(4) == 0) ? tokenSoup(random)
					: mutate(random, generate(random, version).wire);
			try {
				Result whole = feed(version, List.of(input));
				Result chunked = feedInRandomChunks(random, version, input);
				assertThat(describe(chunked.frames)).isEqualTo(describe(whole.frames));
				if (whole.failure == null) {
					assertThat(chunked.failure).isNull();
				}
				else {
					assertThat(chunked.failure).isNotNull();
					assertThat(chunked.failure.reason()).isEqualTo(whole.failure.reason());
					assertThat(chunked.failure.receipt()).isEqualTo(whole.failure.receipt());
				}
			}
			catch (RuntimeException | Error ex) {
				throw new AssertionError("iteration " + i + " (seed " + seed + ", " + version + ") failed on input "
						+ HexFormat.of().formatHex(input), ex);
			}
		}
	}

	private static Result feedInRandomChunks(Random random, StompVersion version, byte[] input) {
		List<byte[]> chunks = new ArrayList<>();
		int position = 0;
		while (position < input.length) {
			int bound = switch (random.nextInt(3)) {
				case 0 -> 1;
				case 1 -> 16;
				default -> input.length;
			};
			int length = 1 + random.nextInt(Math.min(bound, input.length - position));
			chunks.add(Arrays.copyOfRange(input, position, position + length));
			position += length;
		}
		return feed(version, chunks);
	}

	/**
	 * Feeds the chunks to a fresh decoder, checking after every call the memory it holds,
	 * every frame it emits, and that after a refusal it refuses everything.
	 */
	private static Result feed(StompVersion version, List<byte[]> chunks) {
		FrameDecoder decoder = new FrameDecoder(LIMITS);
		decoder.setVersion(version);
		List<Frame> frames = new ArrayList<>();
		FrameDecodingException failure = null;
		for (byte[] chunk : chunks) {
			ByteBuffer buffer = ByteBuffer.wrap(chunk);
			try {
				decoder.decode(buffer, frames::add);
			}
			catch (FrameDecodingException ex) {
				failure = ex;
				break;
			}
			finally {
				long retained = retainedBytes(decoder);
				if (retained > RETAINED_BOUND) {
					throw new AssertionError("decoder holds " + retained + " bytes, over " + RETAINED_BOUND);
				}
			}
			if (buffer.hasRemaining()) {
				throw new AssertionError("decoder left " + buffer.remaining() + " bytes unread");
			}
		}
		frames.forEach(FrameDecoderFuzzTest::assertWithinLimits);
		if (failure != null) {
			assertThat(failure.reason()).isNotNull();
			FrameDecodingException first = failure;
			assertThatExceptionOfType(FrameDecodingException.class)
				.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] { 'S', '\n', '\n', 0 }), frames::add))
				.isSameAs(first);
		}
		return new Result(frames, failure);
	}

	private static void assertWithinLimits(Frame frame) {
		if (frame.headers().size() > LIMITS.maxHeaderCount() || frame.body().length > LIMITS.maxFrameBytes()
				|| minimumWireBytes(frame) > LIMITS.maxFrameBytes()) {
			throw new AssertionError("frame over the limits " + LIMITS + ": " + describe(frame));
		}
		frame.headers().forEach((name, value) -> {
			if (name.isEmpty() || utf8Length(name) + 1 + utf8Length(value) > LIMITS.maxHeaderLineBytes()) {
				throw new AssertionError("header line over the limits " + LIMITS + ": " + describe(frame));
			}
		});
	}

	/**
	 * An unmutated stream must decode to exactly the frames encoded, up to the first
	 * frame that breaks a limit, which must be refused for a limit.
	 */
	private static void checkAgainstOracle(Generated generated, Result result) {
		int fitting = 0;
		while (fitting < generated.frames.size() && fits(generated.encoded.get(fitting))) {
			fitting++;
		}
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < fitting; i++) {
			expected.add(describe(withContentLength(generated.frames.get(i))));
		}
		assertThat(describe(result.frames)).isEqualTo(expected);
		if (fitting == generated.frames.size()) {
			assertThat(result.failure).isNull();
		}
		else {
			assertThat(result.failure).isNotNull();
			assertThat(result.failure.reason()).isIn(Reason.LINE_TOO_LONG, Reason.TOO_MANY_HEADERS,
					Reason.FRAME_TOO_LARGE);
		}
	}

	/** Whether an encoded frame (LF line endings, NUL last) is within {@link #LIMITS}. */
	private static boolean fits(byte[] encoded) {
		int headerEnd = 0;
		int lines = 0;
		int lineStart = 0;
		for (int i = 0; i < encoded.length; i++) {
			if (encoded[i] == '\n') {
				if (i - lineStart > LIMITS.maxHeaderLineBytes()) {
					return false;
				}
				if (i == lineStart) {
					headerEnd = i + 1;
					break;
				}
				lines++;
				lineStart = i + 1;
			}
		}
		int bodyLength = encoded.length - 1 - headerEnd;
		return lines - 1 <= LIMITS.maxHeaderCount() && headerEnd + bodyLength <= LIMITS.maxFrameBytes();
	}

	/** One to four frames, encoded for the version, with heart-beats around them. */
	private static Generated generate(Random random, StompVersion version) {
		List<Frame> frames = new ArrayList<>();
		List<byte[]> encoded = new ArrayList<>();
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		int count = 1 + random.nextInt(4);
		for (int f = 0; f < count; f++) {
			Command command = Command.values()[random.nextInt(Command.values().length)];
			// connection frames are never escaped, so they carry only what 1.0 can
			StompVersion alphabet = command.isEscapeExempt() ? StompVersion.V1_0 : version;
			Frame.Builder builder = Frame.builder(command);
			byte[] body = new byte[random.nextInt(random.nextInt(10) == 0 ? 700 : 40)];
			random.nextBytes(body);
			int headers = random.nextInt(random.nextInt(10) == 0 ? 12 : 5);
			// sometimes declare the length explicitly, ahead of other headers
			int contentLengthAt = (random.nextInt(3) == 0) ? random.nextInt(headers + 1) : -1;
			for (int h = 0; h < headers; h++) {
				if (h == contentLengthAt) {
					builder.header("content-length", Integer.toString(body.length));
				}
				String name = "x-" + randomText(random, alphabet, true, random.nextInt(8));
				builder.header(random.nextInt(6) == 0 ? "receipt" : name,
						randomText(random, alphabet, false, random.nextInt(random.nextInt(10) == 0 ? 150 : 20)));
			}
			if (contentLengthAt == headers) {
				builder.header("content-length", Integer.toString(body.length));
			}
			Frame frame = builder.body(body).build();
			byte[] bytes = FrameEncoder.encode(frame, version);
			frames.add(frame);
			encoded.add(bytes);
			heartBeats(random, wire);
			wire.writeBytes(bytes);
		}
		heartBeats(random, wire);
		return new Generated(frames, encoded, wire.toByteArray());
	}

	private static void heartBeats(Random random, ByteArrayOutputStream wire) {
		for (int i = random.nextInt(3); i > 0; i--) {
			wire.writeBytes(random.nextBoolean() ? new byte[] { '\n' } : new byte[] { '\r', '\n' });
		}
	}

	/**
	 * Text the version can carry exactly: 1.2 anything, 1.1 no CR (it has no escape for
	 * it and a trailing one reads as a line ending), 1.0 neither CR nor LF, nor a colon
	 * in a name.
	 */
	private static String randomText(Random random, StompVersion version, boolean name, int length) {
		String specials = switch (version) {
			case V1_2 -> ":\n\r\\ ";
			case V1_1 -> ":\n\\ ";
			case V1_0 -> name ? "\\ " : ":\\ ";
		};
		String pool = "abcXYZ019-_/." + specials + "é日🎉";
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < length; i++) {
			int at = random.nextInt(pool.length());
			char c = pool.charAt(at);
			if (Character.isHighSurrogate(c)) {
				sb.append(c).append(pool.charAt(at + 1));
			}
			else if (!Character.isLowSurrogate(c)) {
				sb.append(c);
			}
		}
		return sb.toString();
	}

	private static byte[] mutate(Random random, byte[] wire) {
		byte[] data = wire.clone();
		for (int m = 1 + random.nextInt(4); m > 0; m--) {
			if (data.length == 0) {
				return data;
			}
			int at = random.nextInt(data.length);
			switch (random.nextInt(7)) {
				case 0 -> data[at] = (byte) (data[at] ^ (1 << random.nextInt(8)));
				case 1 -> data[at] = INTERESTING[random.nextInt(INTERESTING.length)];
				case 2 -> {
					byte[] inserted = new byte[1 + random.nextInt(8)];
					for (int i = 0; i < inserted.length; i++) {
						inserted[i] = INTERESTING[random.nextInt(INTERESTING.length)];
					}
					data = splice(data, at, at, inserted);
				}
				case 3 -> data = splice(data, at, Math.min(data.length, at + 1 + random.nextInt(16)), new byte[0]);
				case 4 -> data = Arrays.copyOf(data, at);
				case 5 -> {
					int end = Math.min(data.length, at + 1 + random.nextInt(64));
					data = splice(data, end, end, Arrays.copyOfRange(data, at, end));
				}
				default -> {
					// repeat the whole input, but keep it small enough to stay fast
					byte[] copy = data;
					for (int i = 1 + random.nextInt(3); i > 0 && data.length < 4096; i--) {
						data = splice(data, data.length, data.length, copy);
					}
				}
			}
		}
		return data;
	}

	private static byte[] splice(byte[] data, int from, int to, byte[] replacement) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + replacement.length);
		out.write(data, 0, from);
		out.writeBytes(replacement);
		out.write(data, to, data.length - to);
		return out.toByteArray();
	}

	private static byte[] randomBytes(Random random) {
		byte[] data = new byte[random.nextInt(1500)];
		random.nextBytes(data);
		return data;
	}

	private static byte[] tokenSoup(Random random) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int i = random.nextInt(200); i > 0; i--) {
			if (random.nextInt(5) == 0) {
				out.write(INTERESTING[random.nextInt(INTERESTING.length)]);
			}
			else {
				out.writeBytes(TOKENS[random.nextInt(TOKENS.length)]);
			}
		}
		return out.toByteArray();
	}

	private static byte[][] tokens(String... texts) {
		byte[][] tokens = new byte[texts.length][];
		for (int i = 0; i < texts.length; i++) {
			tokens[i] = texts[i].getBytes(StandardCharsets.UTF_8);
		}
		return tokens;
	}

	private static Frame withContentLength(Frame frame) {
		if (frame.body().length == 0 || frame.headers().contains("content-length")) {
			return frame;
		}
		Frame.Builder builder = Frame.builder(frame.command()).body(frame.body());
		frame.headers().forEach(builder::header);
		return builder.header("content-length", Integer.toString(frame.body().length)).build();
	}

	private record Generated(List<Frame> frames, List<byte[]> encoded, byte[] wire) {
	}

	private record Result(List<Frame> frames, FrameDecodingException failure) {
	}

}
