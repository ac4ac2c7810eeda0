package io.herald.testclient;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test client's parser against byte sequences written from the STOMP 1.2 text, with
 * no socket and no Herald code involved.
 */
class FrameParserTest {

	/** Every kind of thing a server stream holds, in 1.2 after a CONNECTED. */
	private static final byte[] STREAM = bytes("CONNECTED\nversion:1.2\nheart-beat:100,100\n\n\0", "\n",
			"MESSAGE\ndestination:/topic/a\nsubscription:s\\c1\nmessage-id:7\ncontent-length:5\n\na\0b\0c\0", "\r\n",
			"\n", "RECEIPT\r\nreceipt-id:r-1\r\n\r\n\0",
			"MESSAGE\ndestination:/topic/a\nx-esc:back\\\\slash\\nnew\\rline\\cend\n\nplain text\0", "\n",
			"ERROR\nmessage:bad\ncontent-type:text/plain\n\ndetails\0");

	@Test
	void streamFedWholeGivesEveryFrameAndCountsTheHeartBeats() {
		Parsed parsed = feed(STREAM, STREAM.length);
		assertExpectedStream(parsed);
	}

	@Test
	void streamSplitInTwoAtEveryBytePositionGivesTheSameFrames() {
		for (int split = 0; split <= STREAM.length; split++) {
			FrameParser parser = new FrameParser();
			List<StompFrame> frames = new ArrayList<>();
			parser.feed(STREAM, 0, split, false, frames::add);
			parser.feed(STREAM, split, STREAM.length - split, false, frames::add);
			assertExpectedStream(new Parsed(frames, parser.heartBeats()));
		}
	}

	@Test
	void streamFedOneByteAtATimeGivesTheSameFrames() {
		assertExpectedStream(feed(STREAM, 1));
	}

	private static void assertExpectedStream(Parsed parsed) {
		assertThat(parsed.frames()).extracting(StompFrame::command)
			.containsExactly("CONNECTED", "MESSAGE", "RECEIPT", "MESSAGE", "ERROR");
		assertThat(parsed.frames().get(0).header("heart-beat")).isEqualTo("100,100");
		StompFrame binary = parsed.frames().get(1);
		assertThat(binary.body()).isEqualTo(bytes("a\0b\0c"));
		assertThat(binary.header("subscription")).isEqualTo("s:1");
		assertThat(parsed.frames().get(2).header("receipt-id")).as("CR LF line ends").isEqualTo("r-1");
		assertThat(parsed.frames().get(3).header("x-esc")).isEqualTo("back\\slash\nnew\rline:end");
		assertThat(parsed.frames().get(3).bodyText()).isEqualTo("plain text");
		assertThat(parsed.frames().get(4).bodyText()).isEqualTo("details");
		assertThat(parsed.heartBeats()).as("LF, CR LF, LF, LF between frames").isEqualTo(4);
	}

	@Test
	void contentLengthBodyMayHoldNulsAndIsCountedInBytes() {
		String body = "é\0\0ü\0";
		int octets = body.getBytes(StandardCharsets.UTF_8).length;
		StompFrame frame = single("MESSAGE\ncontent-length:" + octets + "\n\n" + body + "\0");
		assertThat(frame.bodyText()).isEqualTo(body);
		assertThat(single("RECEIPT\nreceipt-id:1\ncontent-length:0\n\n\0").body()).isEmpty();
	}

	@Test
	void withoutContentLengthTheBodyEndsAtTheFirstNul() {
		Parsed parsed = feed(bytes("MESSAGE\n\nfirst\0MESSAGE\n\nsecond\0"), 3);
		assertThat(parsed.frames()).extracting(StompFrame::bodyText).containsExactly("first", "second");
	}

	@Test
	void theFirstOfRepeatedHeadersCountsAndAllAreKept() {
		StompFrame frame = single("MESSAGE\nx:1\ncontent-length:2\nx:2\ncontent-length:9\n\nab\0");
		assertThat(frame.header("x")).isEqualTo("1");
		assertThat(frame.headerValues("x")).containsExactly("1", "2");
		assertThat(frame.bodyText()).isEqualTo("ab");
	}

	@Test
	void connectedIsNeverUnescaped() {
		StompFrame connected = single("CONNECTED\nversion:1.2\nserver:Herald/1:beta\\n\n\n\0");
		assertThat(connected.header("server")).isEqualTo("Herald/1:beta\\n");
	}

	@Test
	void stomp10ValuesAreTakenAsTheyAre() {
		Parsed parsed = feed(bytes("CONNECTED\n\n\0", "MESSAGE\nx:a:b\\c\\t\n\n\0"), 1);
		assertThat(parsed.frames().get(1).header("x")).isEqualTo("a:b\\c\\t");
	}

	@Test
	void stomp10LineEndsAreLfOnly() {
		Parsed parsed = feed(bytes("CONNECTED\nversion:1.0\n\n\0", "MESSAGE\nx:cr\r\n\n\0"), 1);
		assertThat(parsed.frames().get(1).header("x")).isEqualTo("cr\r");
		assertMalformed("CONNECTED\nversion:1.0\n\n\0\r\n", "unknown server command");
	}

	@Test
	void stomp11DefinesThreeEscapes() {
		Parsed parsed = feed(bytes("CONNECTED\nversion:1.1\n\n\0", "MESSAGE\nx\\cy:a\\cb\\\\c\\nd\n\n\0"), 1);
		assertThat(parsed.frames().get(1).headers()).containsExactly(Map.entry("x:y", "a:b\\c\nd"));
		assertMalformed("CONNECTED\nversion:1.1\n\n\0MESSAGE\nx:a\\rb\n\n\0", "undefined escape \\r");
	}

	@Test
	void stomp11HeartBeatsAreLfOnly() {
		assertThat(feed(bytes("CONNECTED\nversion:1.1\n\n\0\n\n"), 1).heartBeats()).isEqualTo(2);
		assertMalformed("CONNECTED\nversion:1.1\n\n\0\r\n", "unknown server command");
	}

	@Test
	void stomp12DefinesFourEscapesAndCrLfLines() {
		StompFrame frame = single("MESSAGE\r\nx\\r:\\r\\n\\c\\\\\r\n\r\n\0");
		assertThat(frame.headers()).containsExactly(Map.entry("x\r", "\r\n:\\"));
	}

	@Test
	void undefinedEscapesAreViolations() {
		assertMalformed("MESSAGE\nx:tab\\there\n\n\0", "undefined escape \\t");
		assertMalformed("MESSAGE\nx:trailing\\\n\n\0", "backslash at the end");
	}

	@Test
	void anUnescapedColonInAnEscapedValueIsAViolation() {
		assertMalformed("MESSAGE\nx:a:b\n\n\0", "unescaped colon");
	}

	@Test
	void aCrThatDoesNotEndA12LineIsAViolation() {
		assertMalformed("MESSAGE\nx:a\rb\n\n\0", "CR inside a line");
		assertMalformed("\r\r", "CR not followed by LF");
	}

	@Test
	void badFramesAreViolations() {
		assertMalformed("SEND\n\n\0", "unknown server command 'SEND'");
		assertMalformed("MESSAGE\nno colon\n\n\0", "without a colon");
		assertMalformed("MESSAGE\n:value\n\n\0", "empty name");
		assertMalformed("MESSAGE\ncontent-length:two\n\nab\0", "not a byte count");
		assertMalformed("MESSAGE\ncontent-length:-1\n\n\0", "not a byte count");
		assertMalformed("MESSAGE\ncontent-length:1\n\nab\0", "no NUL after");
		assertMalformed("CONNECTED\nversion:2.0\n\n\0", "unknown version '2.0'");
	}

	@Test
	void invalidUtf8InAHeaderIsAViolationButNotInABody() {
		byte[] header = concat(bytes("MESSAGE\nx:"), new byte[] { (byte) 0xC3, 0x28 }, bytes("\n\n\0"));
		assertThatThrownBy(() -> feed(header, header.length)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("not valid UTF-8");
		byte[] body = concat(bytes("MESSAGE\ncontent-length:3\n\n"), new byte[] { (byte) 0xC3, 0x28, (byte) 0xFF },
				bytes("\0"));
		assertThat(feed(body, 2).frames().get(0).body()).containsExactly(0xC3, 0x28, 0xFF);
	}

	@Test
	void aViolationLeavesTheParserBroken() {
		FrameParser parser = new FrameParser();
		List<StompFrame> frames = new ArrayList<>();
		byte[] bad = bytes("RECEIPT\nreceipt-id:1\n\n\0MESSAGE\nbroken\n\n\0");
		assertThatThrownBy(() -> parser.feed(bad, 0, bad.length, false, frames::add))
			.isInstanceOf(MalformedFrameException.class);
		assertThat(frames).as("the frame before the violation").hasSize(1);
		byte[] good = bytes("RECEIPT\nreceipt-id:2\n\n\0");
		assertThatThrownBy(() -> parser.feed(good, 0, good.length, false, frames::add))
			.isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("without a colon");
		assertThat(frames).hasSize(1);
	}

	@Test
	void framesRememberWhetherTheyCameInABinaryMessage() {
		FrameParser parser = new FrameParser();
		List<StompFrame> frames = new ArrayList<>();
		byte[] frame = bytes("RECEIPT\nreceipt-id:1\n\n\0");
		parser.feed(frame, 0, frame.length, true, frames::add);
		parser.feed(frame, 0, frame.length, false, frames::add);
		assertThat(frames).extracting(StompFrame::arrivedAsBinary).containsExactly(true, false);
	}

	private static StompFrame single(String frame) {
		Parsed parsed = feed(bytes(frame), 1);
		assertThat(parsed.frames()).hasSize(1);
		return parsed.frames().get(0);
	}

	private static void assertMalformed(String stream, String reason) {
		byte[] bytes = bytes(stream);
		assertThatThrownBy(() -> feed(bytes, bytes.length)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining(reason);
		assertThatThrownBy(() -> feed(bytes, 1)).as("fed byte by byte")
			.isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining(reason);
	}

	/** Feeds the bytes in chunks of the given size. */
	private static Parsed feed(byte[] bytes, int chunk) {
		FrameParser parser = new FrameParser();
		List<StompFrame> frames = new ArrayList<>();
		for (int offset = 0; offset < bytes.length; offset += chunk) {
			parser.feed(bytes, offset, Math.min(chunk, bytes.length - offset), false, frames::add);
		}
		return new Parsed(frames, parser.heartBeats());
	}

	private static byte[] bytes(String... parts) {
		return String.join("", parts).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private record Parsed(List<StompFrame> frames, int heartBeats) {
	}

}
