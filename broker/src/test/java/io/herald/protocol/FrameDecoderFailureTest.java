package io.herald.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.herald.protocol.FrameDecodingException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.herald.protocol.StompTestSupport.bytes;
import static io.herald.protocol.StompTestSupport.concat;
import static io.herald.protocol.StompTestSupport.decode;
import static io.herald.protocol.StompTestSupport.failure;
import static io.herald.protocol.StompTestSupport.retainedBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Refused input: every {@link Reason}, the receipt carried by the failure, the terminal
 * failed state, exact limit boundaries and bounded memory under hostile input.
 */
class FrameDecoderFailureTest {

	/** 128-byte frames, 32-byte lines, 4 headers. */
	private static final FrameLimits SMALL = new FrameLimits(128, 32, 4);

	private static final int MIB = 1024 * 1024;

	static Stream<Arguments> refusedInputs() {
		return Stream.of(arguments(Reason.UNKNOWN_COMMAND, "unknown command", bytes("HELLO\n\n\0")),
				arguments(Reason.UNKNOWN_COMMAND, "lower-case command", bytes("send\n\n\0")),
				arguments(Reason.UNKNOWN_COMMAND, "command with a trailing space", bytes("SEND \n\n\0")),
				arguments(Reason.UNKNOWN_COMMAND, "NUL inside the command", bytes("SE\0ND\n\n\0")),
				arguments(Reason.MALFORMED_HEADER, "header without a colon", bytes("SEND\nnocolon\n\n\0")),
				arguments(Reason.MALFORMED_HEADER, "header with an empty name", bytes("SEND\n:value\n\n\0")),
				arguments(Reason.INVALID_ESCAPE, "tab escape", bytes("SEND\nh:a\\tb\n\n\0")),
				arguments(Reason.INVALID_ESCAPE, "trailing backslash", bytes("SEND\nh:ab\\\n\n\0")),
				arguments(Reason.INVALID_ESCAPE, "bad escape in a name", bytes("SEND\nh\\x:v\n\n\0")),
				arguments(Reason.INVALID_ESCAPE, "lone backslash as the whole value", bytes("SEND\nh:\\\n\n\0")),
				arguments(Reason.INVALID_UTF8, "invalid continuation in a value",
						concat(bytes("SEND\nh:"), new byte[] { (byte) 0xC3, 0x28 }, bytes("\n\n\0"))),
				arguments(Reason.INVALID_UTF8, "0xFF in a name",
						concat(bytes("SEND\n"), new byte[] { 'a', (byte) 0xFF }, bytes(":v\n\n\0"))),
				arguments(Reason.INVALID_UTF8, "overlong encoding of '/'",
						concat(bytes("SEND\nh:"), new byte[] { (byte) 0xC0, (byte) 0xAF }, bytes("\n\n\0"))),
				arguments(Reason.INVALID_UTF8, "truncated sequence at the end of a value",
						concat(bytes("SEND\nh:"), new byte[] { (byte) 0xE6, (byte) 0x97 }, bytes("\n\n\0"))),
				arguments(Reason.INVALID_UTF8, "encoded surrogate",
						concat(bytes("SEND\nh:"), new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
								bytes("\n\n\0"))),
				arguments(Reason.INVALID_CONTENT_LENGTH, "negative content-length",
						bytes("SEND\ncontent-length:-1\n\n\0")),
				arguments(Reason.INVALID_CONTENT_LENGTH, "letters in content-length",
						bytes("SEND\ncontent-length:12a\n\n\0")),
				arguments(Reason.INVALID_CONTENT_LENGTH, "empty content-length", bytes("SEND\ncontent-length:\n\n\0")),
				arguments(Reason.INVALID_CONTENT_LENGTH, "fractional content-length",
						bytes("SEND\ncontent-length:1.5\n\n\0")),
				arguments(Reason.INVALID_CONTENT_LENGTH, "signed content-length",
						bytes("SEND\ncontent-length:+3\n\nabc\0")),
				arguments(Reason.INVALID_CONTENT_LENGTH, "content-length beyond int",
						bytes("SEND\ncontent-length:99999999999\n\n\0")),
				arguments(Reason.MISSING_NUL, "body longer than content-length",
						bytes("SEND\ncontent-length:3\n\nabcX\0")),
				arguments(Reason.MISSING_NUL, "NUL missing after empty declared body",
						bytes("SEND\ncontent-length:0\n\nX\0")),
				arguments(Reason.LINE_TOO_LONG, "header line over the limit",
						bytes("SEND\nh:" + "v".repeat(31) + "\n\n\0")),
				arguments(Reason.LINE_TOO_LONG, "command line over the limit", bytes("X".repeat(33) + "\n\n\0")),
				arguments(Reason.TOO_MANY_HEADERS, "five headers", bytes("SEND\na:1\nb:2\nc:3\nd:4\ne:5\n\n\0")),
				arguments(Reason.TOO_MANY_HEADERS, "one header repeated five times",
						bytes("SEND\na:1\na:1\na:1\na:1\na:1\n\n\0")),
				arguments(Reason.FRAME_TOO_LARGE, "declared content-length over the limit",
						bytes("SEND\ncontent-length:200\n\n" + "x".repeat(200) + "\0")),
				arguments(Reason.FRAME_TOO_LARGE, "huge declared content-length",
						bytes("SEND\ncontent-length:2147483647\n\n\0")),
				arguments(Reason.FRAME_TOO_LARGE, "NUL-terminated body over the limit",
						bytes("SEND\n\n" + "x".repeat(200) + "\0")),
				arguments(Reason.FRAME_TOO_LARGE, "headers after content-length push the frame over the limit",
						bytes("SEND\ncontent-length:90\nh:" + "p".repeat(29) + "\n\n" + "x".repeat(90) + "\0")),
				arguments(Reason.FRAME_TOO_LARGE, "headers alone over the limit", bytes("SEND\nh:" + "v".repeat(29)
						+ "\nh:" + "v".repeat(29) + "\nh:" + "v".repeat(29) + "\nh:" + "v".repeat(29) + "\n\n\0")));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("refusedInputs")
	void refusedInputFailsWithItsReason(Reason reason, String description, byte[] input) {
		FrameDecodingException whole = failure(new FrameDecoder(SMALL), input);
		FrameDecodingException byteByByte = failure(new FrameDecoder(SMALL), split(input));

		assertThat(whole.reason()).as(whole.getMessage()).isEqualTo(reason);
		assertThat(byteByByte.reason()).as(byteByByte.getMessage()).isEqualTo(reason);
		assertThat(whole.getMessage()).isNotBlank();
	}

	@Test
	void everyReasonIsCrossedByARefusedInput() {
		Set<Reason> crossed = refusedInputs().map((arguments) -> (Reason) arguments.get()[0])
			.collect(Collectors.toCollection(() -> EnumSet.noneOf(Reason.class)));

		assertThat(crossed).isEqualTo(EnumSet.allOf(Reason.class));
	}

	@Test
	void version10DoesNotRefuseBackslashes() throws Exception {
		FrameDecoder decoder = new FrameDecoder(SMALL);
		decoder.setVersion(StompVersion.V1_0);

		assertThat(decode(decoder, bytes("SEND\nh:a\\tb\\\n\n\0"))).singleElement()
			.extracting((frame) -> frame.header("h"))
			.isEqualTo("a\\tb\\");
	}

	@Test
	void receiptReadBeforeTheErrorIsCarried() {
		String receipt = "receipt:r-42\n";
		List<byte[]> inputs = List.of(bytes("SEND\n" + receipt + "h:a\\tb\n\n\0"),
				bytes("SEND\n" + receipt + "nocolon\n\n\0"), bytes("SEND\n" + receipt + ":v\n\n\0"),
				bytes("SEND\n" + receipt + "content-length:x\n\n\0"),
				bytes("SEND\n" + receipt + "content-length:1\n\nab\0"),
				bytes("SEND\n" + receipt + "content-length:500\n\n\0"),
				bytes("SEND\n" + receipt + "\n" + "x".repeat(200)),
				bytes("SEND\n" + receipt + "a:1\nb:2\nc:3\nd:4\n\n\0"),
				bytes("SEND\n" + receipt + "h:" + "v".repeat(40) + "\n\n\0"),
				concat(bytes("SEND\n" + receipt + "h:"), new byte[] { (byte) 0xFF }, bytes("\n\n\0")));

		for (byte[] input : inputs) {
			FrameDecodingException ex = failure(new FrameDecoder(SMALL), input);
			assertThat(ex.receipt()).as("%s (%s)", ex.reason(), ex.getMessage()).isEqualTo("r-42");
		}
	}

	@Test
	void receiptIsUnescapedAndTheFirstOneWins() {
		FrameDecodingException ex = failure(new FrameDecoder(SMALL),
				bytes("SEND\nreceipt:a\\cb\nreceipt:second\nnocolon\n\n\0"));

		assertThat(ex.receipt()).isEqualTo("a:b");
	}

	@Test
	void receiptAfterTheOffendingLineIsNotKnown() {
		FrameDecodingException ex = failure(new FrameDecoder(SMALL), bytes("SEND\nnocolon\nreceipt:r-1\n\n\0"));

		assertThat(ex.receipt()).isNull();
	}

	@Test
	void receiptOfAnEarlierFrameIsNotCarried() {
		List<Frame> frames = new ArrayList<>();

		FrameDecodingException ex = failure(new FrameDecoder(SMALL), frames,
				bytes("SEND\nreceipt:r-1\n\n\0SEND\nnocolon\n\n\0"));

		assertThat(frames).hasSize(1);
		assertThat(ex.receipt()).isNull();
	}

	@Test
	void unknownCommandCarriesNoReceipt() {
		FrameDecodingException ex = failure(new FrameDecoder(SMALL),
				bytes("SEND\nreceipt:r-1\n\n\0BOGUS\nreceipt:r-2\n\n\0"));

		assertThat(ex.reason()).isEqualTo(Reason.UNKNOWN_COMMAND);
		assertThat(ex.receipt()).isNull();
	}

	@Test
	void framesCompletedBeforeTheErrorAreDelivered() {
		List<Frame> frames = new ArrayList<>();

		FrameDecodingException ex = failure(new FrameDecoder(SMALL), frames,
				bytes("SEND\n\na\0\nSEND\n\nb\0BOGUS\n\n\0SEND\n\nc\0"));

		assertThat(ex.reason()).isEqualTo(Reason.UNKNOWN_COMMAND);
		assertThat(frames).extracting(Frame::bodyAsText).containsExactly("a", "b");
	}

	@Test
	void decoderStaysFailedAndEveryLaterCallThrowsTheSameFailure() {
		FrameDecoder decoder = new FrameDecoder(SMALL);
		FrameDecodingException first = failure(decoder, bytes("SEND\nreceipt:9\nnocolon\n\n\0"));
		List<Frame> frames = new ArrayList<>();

		for (byte[] later : List.of(bytes("SEND\n\nvalid\0"), bytes("\n"), new byte[0], bytes("CONNECT\n\n\0"))) {
			assertThatExceptionOfType(FrameDecodingException.class)
				.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(later), frames::add))
				.isSameAs(first);
		}
		decoder.setVersion(StompVersion.V1_0);
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> decoder.decode(ByteBuffer.wrap(bytes("SEND\n\n\0")), frames::add))
			.isSameAs(first);
		assertThat(frames).isEmpty();
		assertThat(first.reason()).isEqualTo(Reason.MALFORMED_HEADER);
		assertThat(first.receipt()).isEqualTo("9");
	}

	@Test
	void nulTerminatedFrameOfExactlyTheFrameLimitIsAccepted() throws Exception {
		FrameLimits limits = new FrameLimits(64, 32, 4);
		// "SEND\n" + "\n" + body: 6 + 58 = 64 bytes before the NUL
		assertThat(decode(new FrameDecoder(limits), bytes("SEND\n\n" + "x".repeat(58) + "\0"))).hasSize(1);

		FrameDecodingException ex = failure(new FrameDecoder(limits), bytes("SEND\n\n" + "x".repeat(59) + "\0"));
		assertThat(ex.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
	}

	@Test
	void contentLengthFrameOfExactlyTheFrameLimitIsAccepted() throws Exception {
		FrameLimits limits = new FrameLimits(64, 32, 4);
		// "SEND\n" + "content-length:40\n" + "\n" + body: 24 + 40 = 64 bytes before the
		// NUL
		assertThat(decode(new FrameDecoder(limits), bytes("SEND\ncontent-length:40\n\n" + "x".repeat(40) + "\0")))
			.hasSize(1);

		FrameDecodingException ex = failure(new FrameDecoder(limits),
				bytes("SEND\ncontent-length:41\n\n" + "x".repeat(41) + "\0"));
		assertThat(ex.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
	}

	@Test
	void headersAfterContentLengthCountTowardsTheFrameLimit() {
		FrameLimits limits = new FrameLimits(64, 32, 4);
		FrameDecoder decoder = new FrameDecoder(limits);
		// 23 bytes up to the content-length line: the declared 30 fit at that point...
		byte[] head = bytes("SEND\ncontent-length:30\nreceipt:r\n");
		// ...but the receipt and pad lines and the blank line make 60 header bytes,
		// which leaves 4 for the body
		byte[] more = bytes("pad:" + "p".repeat(21) + "\n\n");

		FrameDecodingException ex = failure(decoder, head, more);

		assertThat(ex.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
		assertThat(ex.receipt()).isEqualTo("r");
	}

	@Test
	void lineOfExactlyTheLineLimitIsAcceptedWithEitherLineEnding() throws Exception {
		String line = "h:" + "v".repeat(30);
		assertThat(line).hasSize(32);

		for (String eol : List.of("\n", "\r\n")) {
			assertThat(decode(new FrameDecoder(SMALL), bytes("SEND" + eol + line + eol + eol + "\0"))).singleElement()
				.extracting((frame) -> frame.header("h"))
				.isEqualTo("v".repeat(30));
			FrameDecodingException ex = failure(new FrameDecoder(SMALL),
					bytes("SEND" + eol + line + "v" + eol + eol + "\0"));
			assertThat(ex.reason()).as("with %s", eol.replace("\r", "CR").replace("\n", "LF"))
				.isEqualTo(Reason.LINE_TOO_LONG);
		}
	}

	@Test
	void carriageReturnAtTheLineLimitMustEndTheLine() {
		String line = "h:" + "v".repeat(30);

		FrameDecodingException ex = failure(new FrameDecoder(SMALL), bytes("SEND\n" + line + "\rx\n\n\0"));

		assertThat(ex.reason()).isEqualTo(Reason.LINE_TOO_LONG);
	}

	@Test
	void exactlyTheHeaderCountLimitIsAccepted() throws Exception {
		assertThat(decode(new FrameDecoder(SMALL), bytes("SEND\na:1\nb:2\nc:3\nd:4\n\n\0"))).singleElement()
			.extracting((frame) -> frame.headers().size())
			.isEqualTo(4);
	}

	@Test
	void hugeDeclaredContentLengthFailsOnItsHeaderLineBeforeAnyAllocation() {
		FrameDecoder decoder = new FrameDecoder(new FrameLimits(64 * 1024, 1024, 16));

		FrameDecodingException ex = failure(decoder, bytes("SEND\nreceipt:big\ncontent-length:2000000000\n"));

		assertThat(ex.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
		assertThat(ex.receipt()).isEqualTo("big");
		assertThat(retainedBytes(decoder)).isLessThan(2 * 1024);
	}

	@Test
	void endlessBodyWithoutNulFailsAtTheFrameLimitWithoutBufferingIt() {
		FrameLimits limits = new FrameLimits(64 * 1024, 1024, 16);
		byte[] head = bytes("SEND\ndestination:/queue/a\n\n");
		byte[] chunk = new byte[8 * 1024];
		Arrays.fill(chunk, (byte) 'x');

		Outcome outcome = feedEndlessly(new FrameDecoder(limits), head, chunk, 10 * MIB, limits);

		assertThat(outcome.failure.reason()).isEqualTo(Reason.FRAME_TOO_LARGE);
		assertThat(outcome.consumed).as("fails on the first byte past the limit").isEqualTo(limits.maxFrameBytes() + 1);
	}

	@Test
	void endlessContentLengthBodyIsBoundedByTheDeclaredLength() {
		FrameLimits limits = new FrameLimits(64 * 1024, 1024, 16);
		byte[] head = bytes("SEND\ncontent-length:1000\n\n");
		byte[] chunk = new byte[8 * 1024];
		Arrays.fill(chunk, (byte) 'x');

		Outcome outcome = feedEndlessly(new FrameDecoder(limits), head, chunk, 10 * MIB, limits);

		assertThat(outcome.failure.reason()).isEqualTo(Reason.MISSING_NUL);
		assertThat(outcome.consumed).isEqualTo(head.length + 1000 + 1);
	}

	@Test
	void endlessHeaderLineFailsAtTheLineLimit() {
		FrameLimits limits = new FrameLimits(64 * 1024, 1024, 16);
		byte[] chunk = new byte[8 * 1024];
		Arrays.fill(chunk, (byte) 'h');

		Outcome outcome = feedEndlessly(new FrameDecoder(limits), bytes("SEND\n"), chunk, 10 * MIB, limits);

		assertThat(outcome.failure.reason()).isEqualTo(Reason.LINE_TOO_LONG);
		assertThat(outcome.consumed).isEqualTo("SEND\n".length() + limits.maxHeaderLineBytes() + 1);
	}

	@Test
	void endlessCommandLineFailsAtTheLineLimit() {
		FrameLimits limits = new FrameLimits(64 * 1024, 1024, 16);
		byte[] chunk = new byte[8 * 1024];
		Arrays.fill(chunk, (byte) 'S');

		Outcome outcome = feedEndlessly(new FrameDecoder(limits), new byte[0], chunk, 10 * MIB, limits);

		assertThat(outcome.failure.reason()).isEqualTo(Reason.LINE_TOO_LONG);
		assertThat(outcome.consumed).isEqualTo(limits.maxHeaderLineBytes() + 1);
	}

	@Test
	void endlessHeadersFailAtTheHeaderCount() {
		FrameLimits limits = new FrameLimits(64 * 1024, 1024, 16);
		byte[] chunk = bytes("name:value\n".repeat(700));

		Outcome outcome = feedEndlessly(new FrameDecoder(limits), bytes("SEND\n"), chunk, 10 * MIB, limits);

		assertThat(outcome.failure.reason()).isEqualTo(Reason.TOO_MANY_HEADERS);
		assertThat(outcome.consumed).isEqualTo("SEND\n".length() + 17 * "name:value\n".length());
	}

	@Test
	void endlessHeartBeatsAndStrayNulsHoldNoMemory() throws Exception {
		FrameLimits limits = new FrameLimits(256, 64, 4);
		FrameDecoder decoder = new FrameDecoder(limits);
		byte[] chunk = bytes("\n\r\n\0".repeat(2048));

		long initial = retainedBytes(decoder);

		for (int fed = 0; fed < 10 * MIB; fed += chunk.length) {
			decode(decoder, chunk);
			assertThat(retainedBytes(decoder)).isEqualTo(initial);
		}

		assertThat(decoder.isMidFrame()).isFalse();
		assertThat(decode(decoder, bytes("SEND\n\nstill alive\0"))).hasSize(1);
	}

	/**
	 * Feeds the head, then the chunk over and over until {@code total} bytes, checking
	 * after every call that the decoder holds no more than its limits allow; answers the
	 * failure and how many bytes the decoder consumed up to and including the refused
	 * one.
	 */
	private static Outcome feedEndlessly(FrameDecoder decoder, byte[] head, byte[] chunk, long total,
			FrameLimits limits) {
		long bound = (long) limits.maxFrameBytes() + limits.maxHeaderLineBytes() + 1;
		List<Frame> frames = new ArrayList<>();
		long consumed = 0;
		ByteBuffer buffer = ByteBuffer.wrap(head);
		try {
			decoder.decode(buffer, frames::add);
			consumed += buffer.position();
			while (consumed < total) {
				buffer = ByteBuffer.wrap(chunk);
				decoder.decode(buffer, frames::add);
				consumed += buffer.position();
				assertThat(retainedBytes(decoder)).as("after %d bytes", consumed).isLessThanOrEqualTo(bound);
			}
		}
		catch (FrameDecodingException ex) {
			assertThat(frames).isEmpty();
			assertThat(retainedBytes(decoder)).isLessThanOrEqualTo(bound);
			return new Outcome(ex, consumed + buffer.position());
		}
		throw new AssertionError("decoder accepted " + consumed + " bytes without failing");
	}

	private static byte[][] split(byte[] input) {
		byte[][] bytes = new byte[input.length][];
		for (int i = 0; i < input.length; i++) {
			bytes[i] = new byte[] { input[i] };
		}
		return bytes;
	}

	private record Outcome(FrameDecodingException failure, long consumed) {
	}

}
