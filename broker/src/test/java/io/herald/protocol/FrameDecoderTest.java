package io.herald.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.herald.protocol.StompTestSupport.bytes;
import static io.herald.protocol.StompTestSupport.concat;
import static io.herald.protocol.StompTestSupport.decode;
import static io.herald.protocol.StompTestSupport.decodeByteByByte;
import static io.herald.protocol.StompTestSupport.describe;
import static io.herald.protocol.StompTestSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding of well-formed input: framing, bodies, line endings, heart-beats, chunking,
 * repeated headers, per-version unescaping and UTF-8.
 */
class FrameDecoderTest {

	private final FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);

	@Test
	void frameWithoutHeadersOrBodyDecodes() throws Exception {
		List<Frame> frames = decode("DISCONNECT\n\n\0");

		assertThat(frames).hasSize(1);
		assertThat(frames.get(0).command()).isEqualTo(Command.DISCONNECT);
		assertThat(frames.get(0).headers().size()).isZero();
		assertThat(frames.get(0).body()).isEmpty();
	}

	@Test
	void headersAndNulTerminatedBodyDecode() throws Exception {
		List<Frame> frames = decode("SEND\ndestination:/queue/a\ncontent-type:text/plain\n\nhello world\0");

		assertThat(frames).hasSize(1);
		Frame frame = frames.get(0);
		assertThat(frame.command()).isEqualTo(Command.SEND);
		assertThat(frame.header("destination")).isEqualTo("/queue/a");
		assertThat(frame.header("content-type")).isEqualTo("text/plain");
		assertThat(frame.headers().size()).isEqualTo(2);
		assertThat(frame.bodyAsText()).isEqualTo("hello world");
	}

	@ParameterizedTest
	@EnumSource(Command.class)
	void everyCommandIsRecognisedByItsWireName(Command command) throws Exception {
		List<Frame> frames = decode(command.name() + "\n\n\0");

		assertThat(frames).singleElement().extracting(Frame::command).isEqualTo(command);
	}

	@Test
	void contentLengthBodyMayContainNulOctets() throws Exception {
		byte[] body = { 'a', 0, 'b', 0, 0, 'c' };
		byte[] wire = concat(bytes("SEND\ndestination:/queue/a\ncontent-length:6\n\n"), body, new byte[] { 0 });

		List<Frame> frames = decode(this.decoder, wire);

		assertThat(frames).hasSize(1);
		assertThat(frames.get(0).body()).containsExactly(body);
		assertThat(frames.get(0).header("content-length")).isEqualTo("6");
	}

	@Test
	void contentLengthBodyMayConsistOfNulOctetsOnly() throws Exception {
		byte[] wire = concat(bytes("SEND\ncontent-length:3\n\n"), new byte[] { 0, 0, 0, 0 });

		List<Frame> frames = decode(this.decoder, wire);

		assertThat(frames).singleElement().extracting(Frame::body).isEqualTo(new byte[3]);
		assertThat(this.decoder.isMidFrame()).isFalse();
	}

	@Test
	void zeroContentLengthMeansAnEmptyBody() throws Exception {
		List<Frame> frames = decode("SEND\ncontent-length:0\n\n\0SEND\n\nnext\0");

		assertThat(describe(frames)).containsExactly("SEND [content-length=0] body=", "SEND body=" + hex("next"));
	}

	@Test
	void firstContentLengthWinsAndSurroundingSpacesAreIgnored() throws Exception {
		List<Frame> frames = decode("SEND\ncontent-length: 2 \ncontent-length:5\n\nab\0");

		assertThat(frames).singleElement().satisfies((frame) -> {
			assertThat(frame.bodyAsText()).isEqualTo("ab");
			assertThat(frame.header("content-length")).isEqualTo(" 2 ");
			assertThat(frame.headers().value(1)).isEqualTo("5");
		});
	}

	@Test
	void crlfLineEndingsDecodeLikeLf() throws Exception {
		List<Frame> crlf = decode("SEND\r\ndestination:/queue/a\r\nreceipt:7\r\n\r\nbody\r\n\0");
		List<Frame> lf = decode("SEND\ndestination:/queue/a\nreceipt:7\n\nbody\r\n\0");

		assertThat(describe(crlf)).isEqualTo(describe(lf));
		assertThat(crlf.get(0).header("receipt")).isEqualTo("7");
		assertThat(crlf.get(0).bodyAsText()).as("the body is raw octets, CR included").isEqualTo("body\r\n");
	}

	@Test
	void mixedLineEndingsInOneFrameAreAccepted() throws Exception {
		List<Frame> frames = decode("SEND\r\na:1\nb:2\r\n\nx\0");

		assertThat(describe(frames)).containsExactly("SEND [a=1] [b=2] body=78");
	}

	@Test
	void headerValueKeepsInnerCarriageReturnsAndOnlyTheLastOneEndsTheLine() throws Exception {
		List<Frame> frames = decode("SEND\na:x\ry\r\r\n\n\0");

		assertThat(frames.get(0).header("a")).isEqualTo("x\ry\r");
	}

	@Test
	void heartBeatsBeforeAndBetweenFramesAreSkipped() throws Exception {
		List<Frame> frames = decode("\n\r\n\nSEND\n\nfirst\0\n\r\n\r\n\n\nSEND\ncontent-length:6\n\nsecond\0\r\n\n");

		assertThat(frames).extracting(Frame::bodyAsText).containsExactly("first", "second");
	}

	@Test
	void heartBeatsAloneProduceNoFrameAndLeaveTheDecoderIdle() throws Exception {
		byte[] heartBeats = bytes("\n\r\n\n\r\n");

		List<Frame> frames = decode(this.decoder, heartBeats, heartBeats);

		assertThat(frames).isEmpty();
		assertThat(this.decoder.isMidFrame()).isFalse();
	}

	@Test
	void crlfHeartBeatSplitBetweenChunksIsNotAFrameInProgress() throws Exception {
		decode(this.decoder, bytes("SEND\n\n\0\r"));

		assertThat(this.decoder.isMidFrame()).isFalse();
		assertThat(decode(this.decoder, bytes("\nSEND\n\nx\0"))).singleElement()
			.extracting(Frame::bodyAsText)
			.isEqualTo("x");
	}

	@Test
	void manyHeartBeatsDoNotCountTowardsAnyLimit() throws Exception {
		FrameDecoder small = new FrameDecoder(new FrameLimits(32, 8, 2));
		byte[] heartBeats = new byte[64 * 1024];
		for (int i = 0; i < heartBeats.length; i += 2) {
			heartBeats[i] = '\r';
			heartBeats[i + 1] = '\n';
		}

		List<Frame> frames = decode(small, heartBeats, heartBeats, bytes("SEND\n\nx\0"));

		assertThat(frames).singleElement().extracting(Frame::bodyAsText).isEqualTo("x");
	}

	@Test
	void strayNulOctetsBetweenFramesAreTolerated() throws Exception {
		List<Frame> frames = decode("\0\0SEND\n\na\0\0\n\0SEND\n\nb\0");

		assertThat(frames).extracting(Frame::bodyAsText).containsExactly("a", "b");
	}

	@Test
	void severalFramesInOneBufferAreDeliveredInOrder() throws Exception {
		List<Frame> frames = decode("CONNECT\naccept-version:1.2\nhost:h\n\n\0"
				+ "SUBSCRIBE\nid:0\ndestination:/topic/t\n\n\0" + "SEND\ndestination:/topic/t\n\nhi\0"
				+ "UNSUBSCRIBE\nid:0\n\n\0" + "DISCONNECT\nreceipt:77\n\n\0");

		assertThat(frames).extracting(Frame::command)
			.containsExactly(Command.CONNECT, Command.SUBSCRIBE, Command.SEND, Command.UNSUBSCRIBE, Command.DISCONNECT);
		assertThat(frames.get(4).header("receipt")).isEqualTo("77");
	}

	@Test
	void partialFrameIsKeptUntilTheRestArrives() throws Exception {
		List<Frame> first = decode(this.decoder, bytes("SEND\ndestination:/que"));

		assertThat(first).isEmpty();
		assertThat(this.decoder.isMidFrame()).isTrue();

		List<Frame> second = decode(this.decoder, bytes("ue/a\n\nbo"), bytes("dy\0"));

		assertThat(describe(second)).containsExactly(describe(frame(Command.SEND, "body", "destination", "/queue/a")));
		assertThat(this.decoder.isMidFrame()).isFalse();
	}

	@Test
	void frameSplitAtEveryPositionDecodesIdentically() throws Exception {
		byte[] stream = richStream();
		List<String> expected = describe(decode(new FrameDecoder(FrameLimits.DEFAULT), stream));
		assertThat(expected).hasSize(5);

		for (int split = 0; split <= stream.length; split++) {
			byte[] head = Arrays.copyOfRange(stream, 0, split);
			byte[] tail = Arrays.copyOfRange(stream, split, stream.length);
			List<Frame> frames = decode(new FrameDecoder(FrameLimits.DEFAULT), head, tail);
			assertThat(describe(frames)).as("split at %d", split).isEqualTo(expected);
		}
	}

	@Test
	void frameFedByteByByteDecodesIdentically() throws Exception {
		byte[] stream = richStream();
		List<String> expected = describe(decode(new FrameDecoder(FrameLimits.DEFAULT), stream));

		FrameDecoder byteByByte = new FrameDecoder(FrameLimits.DEFAULT);
		List<Frame> frames = decodeByteByByte(byteByByte, stream);

		assertThat(describe(frames)).isEqualTo(expected);
		assertThat(byteByByte.isMidFrame()).isFalse();
	}

	@Test
	void decodingReadsOnlyTheRemainingBytesOfTheBuffer() throws Exception {
		byte[] wire = bytes("xxSEND\n\nbody\0yy");
		ByteBuffer buffer = ByteBuffer.wrap(wire, 2, wire.length - 4);
		List<Frame> frames = new ArrayList<>();

		this.decoder.decode(buffer, frames::add);

		assertThat(frames).singleElement().extracting(Frame::bodyAsText).isEqualTo("body");
		assertThat(buffer.position()).isEqualTo(wire.length - 2);
	}

	@Test
	void repeatedHeadersAreAllKeptAndTheFirstWins() throws Exception {
		List<Frame> frames = decode("MESSAGE\nfoo:first\nbar:x\nfoo:second\nfoo:third\n\n\0");

		Frame frame = frames.get(0);
		assertThat(frame.header("foo")).isEqualTo("first");
		assertThat(frame.headers().size()).isEqualTo(4);
		assertThat(frame.headers().value(2)).isEqualTo("second");
		assertThat(describe(frame)).isEqualTo("MESSAGE [foo=first] [bar=x] [foo=second] [foo=third] body=");
	}

	@Test
	void headerValuesAreNeitherTrimmedNorRequiredNonEmpty() throws Exception {
		List<Frame> frames = decode("SEND\nspaced:  a b  \nempty:\n\n\0");

		assertThat(frames.get(0).header("spaced")).isEqualTo("  a b  ");
		assertThat(frames.get(0).header("empty")).isEmpty();
	}

	@Test
	void version12UnescapesCarriageReturnLineFeedColonAndBackslash() throws Exception {
		this.decoder.setVersion(StompVersion.V1_2);

		List<Frame> frames = decode(this.decoder, bytes("SEND\nna\\cme\\\\:a\\rb\\nc\\cd\\\\e\\\\n\n\n\0"));

		assertThat(frames.get(0).header("na:me\\")).isEqualTo("a\rb\nc:d\\e\\n");
	}

	@Test
	void version12IsAssumedBeforeNegotiation() throws Exception {
		List<Frame> frames = decode(this.decoder, bytes("SEND\nh:\\r\\n\\c\\\\\n\n\0"));

		assertThat(frames.get(0).header("h")).isEqualTo("\r\n:\\");
	}

	@Test
	void version11UnescapesLineFeedColonAndBackslash() throws Exception {
		this.decoder.setVersion(StompVersion.V1_1);

		List<Frame> frames = decode(this.decoder, bytes("SEND\nna\\cme:a\\nb\\cc\\\\d\n\n\0"));

		assertThat(frames.get(0).header("na:me")).isEqualTo("a\nb:c\\d");
	}

	@Test
	void version11RejectsTheCarriageReturnEscapeItDoesNotDefine() {
		this.decoder.setVersion(StompVersion.V1_1);

		FrameDecodingException ex = failure(this.decoder, bytes("SEND\nh:a\\rb\n\n\0"));

		assertThat(ex.reason()).isEqualTo(FrameDecodingException.Reason.INVALID_ESCAPE);
	}

	@Test
	void version10TakesBackslashesLiterally() throws Exception {
		this.decoder.setVersion(StompVersion.V1_0);

		List<Frame> frames = decode(this.decoder, bytes("SEND\nna\\cme:a\\nb\\tc\\\\\\\n\n\0"));

		assertThat(frames.get(0).header("na\\cme")).isEqualTo("a\\nb\\tc\\\\\\");
	}

	@Test
	void version10KeepsColonsInValues() throws Exception {
		this.decoder.setVersion(StompVersion.V1_0);

		List<Frame> frames = decode(this.decoder, bytes("SEND\nurl:http://host:80/x\n\n\0"));

		assertThat(frames.get(0).header("url")).isEqualTo("http://host:80/x");
	}

	@ParameterizedTest
	@EnumSource(value = Command.class, names = { "CONNECT", "STOMP", "CONNECTED" })
	void connectionFrameHeadersAreNeverUnescaped(Command command) throws Exception {
		for (StompVersion version : StompVersion.values()) {
			FrameDecoder fresh = new FrameDecoder(FrameLimits.DEFAULT);
			fresh.setVersion(version);

			List<Frame> frames = decode(fresh,
					bytes(command.name() + "\nlogin:a\\cb\\nc\npasscode:p\\tq\\\nx\\cy:z\n\n\0"));

			assertThat(describe(frames)).as("%s under %s", command, version)
				.containsExactly(command.name() + " [login=a\\cb\\nc] [passcode=p\\tq\\] [x\\cy=z] body=");
		}
	}

	@Test
	void versionSetAfterConnectAppliesToTheFollowingFrames() throws Exception {
		List<Frame> connect = decode(this.decoder, bytes("CONNECT\naccept-version:1.0\n\n\0"));
		this.decoder.setVersion(StompVersion.negotiate(connect.get(0).header("accept-version")));

		List<Frame> send = decode(this.decoder, bytes("SEND\nh:a\\nb\n\n\0"));

		assertThat(send.get(0).header("h")).isEqualTo("a\\nb");
	}

	@Test
	void utf8HeaderNamesValuesAndBodiesDecode() throws Exception {
		String value = "/queue/çà-日本-🎉";
		String body = "héllo wörld ✓ 𝄞";

		List<Frame> frames = decode("SEND\nnäme:" + value + "\ndestination:" + value + "\n\n" + body + "\0");

		assertThat(frames.get(0).header("näme")).isEqualTo(value);
		assertThat(frames.get(0).header("destination")).isEqualTo(value);
		assertThat(frames.get(0).bodyAsText()).isEqualTo(body);
		assertThat(frames.get(0).body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void utf8SequenceSplitAcrossChunksDecodes() throws Exception {
		byte[] wire = bytes("SEND\nh:日本\n\n\0");
		int middleOfFirstCharacter = "SEND\nh:".length() + 1;

		List<Frame> frames = decode(this.decoder, Arrays.copyOfRange(wire, 0, middleOfFirstCharacter),
				Arrays.copyOfRange(wire, middleOfFirstCharacter, wire.length));

		assertThat(frames.get(0).header("h")).isEqualTo("日本");
	}

	@Test
	void exceptionFromTheSinkLeavesTheDecoderReadyForTheNextFrame() throws Exception {
		ByteBuffer buffer = ByteBuffer.wrap(bytes("SEND\n\na\0SEND\n\nb\0"));
		List<Frame> frames = new ArrayList<>();
		try {
			this.decoder.decode(buffer, (frame) -> {
				throw new IllegalStateException("sink refused " + frame);
			});
		}
		catch (IllegalStateException expected) {
			// the first frame was complete when the sink threw
		}

		this.decoder.decode(buffer, frames::add);

		assertThat(frames).extracting(Frame::bodyAsText).containsExactly("b");
	}

	/**
	 * Five frames exercising every decoder path: heart-beats, CRLF, escapes, UTF-8,
	 * repeated headers, a content-length body with NULs and a NUL-terminated body.
	 */
	static byte[] richStream() {
		return concat(bytes("\n\r\nCONNECT\r\naccept-version:1.2\r\nhost:ex\\cample\r\n\r\n\0\n"),
				bytes("SEND\ndestination:/queue/日本\nh:a\\cb\\nc\\\\d\\re\nh:second\nreceipt:r-1\n"
						+ "content-length:5\n\n"),
				new byte[] { 'x', 0, 'y', 0, 'z', 0 }, bytes("\r\n\r\nSUBSCRIBE\r\nid:0\ndestination:/topic/t\r\n\n\0"),
				bytes("SEND\ndestination:/topic/t\n\nbödy with ✓\0"), bytes("\n\nDISCONNECT\nreceipt:bye\n\n\0\n"));
	}

	private static Frame frame(Command command, String body, String... namesAndValues) {
		Frame.Builder builder = Frame.builder(command).body(body);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			builder.header(namesAndValues[i], namesAndValues[i + 1]);
		}
		return builder.build();
	}

	private static String hex(String text) {
		return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
	}

}
