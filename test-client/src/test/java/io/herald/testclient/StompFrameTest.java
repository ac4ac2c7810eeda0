package io.herald.testclient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the test client puts on the wire for the frames a test builds. */
class StompFrameTest {

	@Test
	void headersAreEscapedPerStomp12() {
		StompFrame send = StompFrame.create("SEND").header("destination", "/topic/a").header("x:y", "a\\b\nc\rd");
		assertThat(text(send.encode())).isEqualTo("SEND\ndestination:/topic/a\nx\\cy:a\\\\b\\nc\\rd\n\n\0");
	}

	@Test
	void connectAndStompAreNeverEscaped() {
		for (String command : List.of("CONNECT", "STOMP")) {
			StompFrame connect = StompFrame.create(command).header("passcode", "a:b\\c");
			assertThat(text(connect.encode())).isEqualTo(command + "\npasscode:a:b\\c\n\n\0");
		}
	}

	@Test
	void unescapedEncodingIsStomp10() {
		StompFrame send = StompFrame.create("SEND").header("x", "a:b\\c");
		assertThat(text(send.encode(false))).isEqualTo("SEND\nx:a:b\\c\n\n\0");
	}

	@Test
	void aBodyGetsItsContentLengthUnlessToldOtherwise() {
		String body = "é\0";
		assertThat(text(StompFrame.create("SEND").body(body).encode()))
			.isEqualTo("SEND\ncontent-length:3\n\n" + body + "\0");
		assertThat(text(StompFrame.create("SEND").body(body).withoutContentLength().encode()))
			.isEqualTo("SEND\n\n" + body + "\0");
		assertThat(text(StompFrame.create("SEND").header("content-length", "1").body("xy").encode()))
			.as("a content-length the test set is left alone")
			.isEqualTo("SEND\ncontent-length:1\n\nxy\0");
		assertThat(text(StompFrame.create("SEND").encode())).isEqualTo("SEND\n\n\0");
	}

	@Test
	void whatTheEncoderEscapesTheParserReadsBack() {
		StompFrame message = StompFrame.create("MESSAGE")
			.header("x\\:\n\r", "\\:\n\r")
			.header("x\\:\n\r", "repeat")
			.body(new byte[] { 0, (byte) 0xFF, 0 });
		byte[] wire = message.encode();
		List<StompFrame> parsed = new ArrayList<>();
		new FrameParser().feed(wire, 0, wire.length, true, parsed::add);
		assertThat(parsed).hasSize(1);
		assertThat(parsed.get(0).headers()).containsExactly(Map.entry("x\\:\n\r", "\\:\n\r"),
				Map.entry("x\\:\n\r", "repeat"), Map.entry("content-length", "3"));
		assertThat(parsed.get(0).body()).isEqualTo(message.body());
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
