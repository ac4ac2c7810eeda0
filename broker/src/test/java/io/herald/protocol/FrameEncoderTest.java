package io.herald.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.herald.protocol.StompTestSupport.bytes;
import static io.herald.protocol.StompTestSupport.concat;
import static io.herald.protocol.StompTestSupport.decode;
import static io.herald.protocol.StompTestSupport.describe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wire form of frames per version, and the round trip through the decoder.
 */
class FrameEncoderTest {

	@Test
	void frameIsCommandHeadersBlankLineBodyAndNul() {
		Frame frame = Frame.builder(Command.SEND).header("destination", "/queue/a").body("hi").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_2)))
			.isEqualTo("SEND\ndestination:/queue/a\ncontent-length:2\n\nhi\0");
	}

	@Test
	void frameWithoutBodyGetsNoContentLength() {
		Frame frame = Frame.builder(Command.DISCONNECT).header("receipt", "1").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_2))).isEqualTo("DISCONNECT\nreceipt:1\n\n\0");
	}

	@Test
	void contentLengthAlreadyPresentIsNotRepeated() {
		Frame frame = Frame.builder(Command.MESSAGE).header("content-length", "3").body("abc").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_2))).isEqualTo("MESSAGE\ncontent-length:3\n\nabc\0");
	}

	@Test
	void contentLengthCountsBytesNotCharacters() {
		Frame frame = Frame.builder(Command.SEND).body("日本✓").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_2))).startsWith("SEND\ncontent-length:9\n\n");
	}

	@Test
	void bodyWithNulOctetsSurvivesTheRoundTrip() throws Exception {
		byte[] body = { 0, 'a', 0, 0, 'b', 0 };
		Frame frame = Frame.builder(Command.SEND).header("destination", "/queue/a").body(body).build();

		List<Frame> decoded = decode(new FrameDecoder(FrameLimits.DEFAULT),
				FrameEncoder.encode(frame, StompVersion.V1_2));

		assertThat(decoded).singleElement().extracting(Frame::body).isEqualTo(body);
	}

	@Test
	void version12EscapesColonLineFeedBackslashAndCarriageReturn() {
		Frame frame = Frame.builder(Command.MESSAGE).header("na:me\n", "a:b\nc\\d\re").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_2)))
			.isEqualTo("MESSAGE\nna\\cme\\n:a\\cb\\nc\\\\d\\re\n\n\0");
	}

	@Test
	void version11EscapesColonLineFeedAndBackslashButHasNoCarriageReturnEscape() {
		Frame frame = Frame.builder(Command.MESSAGE).header("na:me", "a:b\nc\\d\re").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_1)))
			.isEqualTo("MESSAGE\nna\\cme:a\\cb\\nc\\\\d\re\n\n\0");
	}

	@Test
	void version10WritesHeadersVerbatim() {
		Frame frame = Frame.builder(Command.MESSAGE).header("name", "a:b\\c\rd").build();

		assertThat(text(FrameEncoder.encode(frame, StompVersion.V1_0))).isEqualTo("MESSAGE\nname:a:b\\c\rd\n\n\0");
	}

	@ParameterizedTest
	@EnumSource(value = Command.class, names = { "CONNECT", "STOMP", "CONNECTED" })
	void connectionFrameHeadersAreNeverEscaped(Command command) {
		Frame frame = Frame.builder(command).header("session", "a:b\\c").header("server", "herald/1.0").build();

		for (StompVersion version : StompVersion.values()) {
			assertThat(text(FrameEncoder.encode(frame, version))).as("%s", version)
				.isEqualTo(command.name() + "\nsession:a:b\\c\nserver:herald/1.0\n\n\0");
		}
	}

	@Test
	void heartBeatIsASingleLineFeed() {
		assertThat(FrameEncoder.heartBeat()).isEqualTo(new byte[] { '\n' });
	}

	@Test
	void heartBeatAnswersAFreshArrayEachTime() {
		byte[] first = FrameEncoder.heartBeat();
		first[0] = 'x';

		assertThat(FrameEncoder.heartBeat()).isEqualTo(new byte[] { '\n' });
	}

	@Test
	void heartBeatIsSkippedByTheDecoder() throws Exception {
		byte[] frame = FrameEncoder.encode(Frame.builder(Command.SEND).body("x").build(), StompVersion.V1_2);

		List<Frame> decoded = decode(new FrameDecoder(FrameLimits.DEFAULT),
				concat(FrameEncoder.heartBeat(), frame, FrameEncoder.heartBeat(), FrameEncoder.heartBeat(), frame));

		assertThat(decoded).hasSize(2);
	}

	@ParameterizedTest
	@EnumSource(Command.class)
	void everyCommandRoundTrips(Command command) throws Exception {
		Frame frame = Frame.builder(command).header("k", "v").build();

		List<Frame> decoded = decode(new FrameDecoder(FrameLimits.DEFAULT),
				FrameEncoder.encode(frame, StompVersion.V1_2));

		assertThat(describe(decoded)).containsExactly(describe(frame));
	}

	@ParameterizedTest
	@EnumSource(StompVersion.class)
	void headersNeedingEscapesRoundTrip(StompVersion version) throws Exception {
		List<Frame> frames = framesRepresentableIn(version);
		byte[] wire = new byte[0];
		for (Frame frame : frames) {
			wire = concat(wire, FrameEncoder.encode(frame, version), FrameEncoder.heartBeat());
		}
		List<String> expected = frames.stream()
			.map(FrameEncoderTest::withContentLength)
			.map(StompTestSupport::describe)
			.toList();

		FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);
		decoder.setVersion(version);
		assertThat(describe(decode(decoder, wire))).isEqualTo(expected);

		for (int split = 0; split <= wire.length; split++) {
			FrameDecoder fresh = new FrameDecoder(FrameLimits.DEFAULT);
			fresh.setVersion(version);
			List<Frame> decoded = decode(fresh, Arrays.copyOfRange(wire, 0, split),
					Arrays.copyOfRange(wire, split, wire.length));
			assertThat(describe(decoded)).as("split at %d", split).isEqualTo(expected);
		}
	}

	@ParameterizedTest
	@EnumSource(StompVersion.class)
	void connectedHeadersRoundTripUnescaped(StompVersion version) throws Exception {
		Frame connected = Frame.builder(Command.CONNECTED)
			.header("version", version.text())
			.header("heart-beat", "0,10000")
			.header("session", "id:with\\odd:chars")
			.header("server", "herald/0.1")
			.build();
		FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);
		decoder.setVersion(version);

		List<Frame> decoded = decode(decoder, FrameEncoder.encode(connected, version));

		assertThat(describe(decoded)).containsExactly(describe(connected));
	}

	@ParameterizedTest
	@EnumSource(StompVersion.class)
	void lineFeedInAnUnescapedHeaderCannotInjectHeadersOrEndTheFrame(StompVersion version) throws Exception {
		Frame message = Frame.builder(Command.MESSAGE)
			.header("destination", "/topic/t")
			.header("note", "x\ninjected:yes\n\nfake body\0")
			.body("real")
			.build();
		Frame connected = Frame.builder(Command.CONNECTED).header("server", "evil\ncontent-length:0").build();
		FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);
		decoder.setVersion(version);

		List<Frame> decoded = decode(decoder, FrameEncoder.encode(message, version),
				FrameEncoder.encode(connected, version));

		assertThat(decoded).hasSize(2);
		assertThat(decoded.get(0).header("injected")).isNull();
		assertThat(decoded.get(0).header("note")).startsWith("x").contains("injected:yes");
		assertThat(decoded.get(0).bodyAsText()).isEqualTo("real");
		assertThat(decoded.get(1).header("content-length")).isNull();
		assertThat(decoded.get(1).headers().size()).isEqualTo(1);
	}

	@Test
	void writeHeaderWithoutEscapingNeverWritesALineFeedInsideTheLine() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		FrameEncoder.writeHeader(out, "na\nme", "a\nb", false, StompVersion.V1_2);

		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("na me:a b\n");
	}

	@Test
	void writeHeaderWithEscapingMatchesTheFrameEncoding() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		FrameEncoder.writeHeader(out, "k:", "v\n\\", true, StompVersion.V1_2);

		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("k\\c:v\\n\\\\\n");
	}

	/**
	 * Frames whose headers use every character the version can carry: 1.2 escapes
	 * {@code : LF \ CR}; 1.1 escapes {@code : LF \} and passes a CR inside a value
	 * verbatim; 1.0 escapes nothing, so only colons in values, backslashes and inner CRs
	 * survive.
	 */
	private static List<Frame> framesRepresentableIn(StompVersion version) {
		List<Frame> frames = new ArrayList<>();
		switch (version) {
			case V1_2 -> frames.add(Frame.builder(Command.MESSAGE)
				.header("destination", "/queue/a:b")
				.header("na:me\n\\\r", "a:b\nc\\d\re\\r\\n\\c")
				.header("trailing", "cr\r")
				.header("only", ":\n\\\r")
				.body("payload")
				.build());
			case V1_1 -> frames.add(Frame.builder(Command.MESSAGE)
				.header("destination", "/queue/a:b")
				.header("na:me\n\\", "a:b\nc\\d\re\\n\\c")
				.header("only", ":\n\\")
				.body("payload")
				.build());
			case V1_0 -> frames.add(Frame.builder(Command.MESSAGE)
				.header("destination", "/queue/a:b")
				.header("name\\c", "a:b\\nc\\d\re\\t")
				.header("only", ":\\")
				.body("payload")
				.build());
		}
		frames.add(Frame.builder(Command.SEND)
			.header("destination", "/queue/日本")
			.header("repeated", "first:1")
			.header("repeated", "second\\2")
			.header("empty", "")
			.body(new byte[] { 0, 1, 0, 2 })
			.build());
		frames.add(Frame.builder(Command.ERROR).header("message", "bad: frame").body("details ✓").build());
		frames.add(Frame.builder(Command.RECEIPT).header("receipt-id", "r:1").build());
		return frames;
	}

	private static Frame withContentLength(Frame frame) {
		if (frame.body().length == 0 || frame.headers().contains("content-length")) {
			return frame;
		}
		Frame.Builder builder = Frame.builder(frame.command()).body(frame.body());
		frame.headers().forEach(builder::header);
		return builder.header("content-length", Integer.toString(frame.body().length)).build();
	}

	private static String text(byte[] wire) {
		return new String(wire, StandardCharsets.UTF_8);
	}

}
