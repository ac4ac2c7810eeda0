package io.herald.bench.targets;

import java.net.URI;
import java.util.List;

import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.WebSocketStompConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange every bench target must support, as the generator drives it: CONNECT with
 * guest/guest, SUBSCRIBE to a dotted topic, SEND with custom headers, receive the MESSAGE
 * with those headers and the body. Frames go out as raw text, exactly as the generator
 * writes them; what comes back is read by the test client's own parser.
 */
final class TargetSmoke {

	static final String BODY = "x".repeat(128);

	private TargetSmoke() {
	}

	static void subscribeSendReceive(String url) {
		try (StompConnection subscriber = open(url); StompConnection publisher = open(url)) {
			StompFrame connected = connect(subscriber);
			connect(publisher);
			subscriber.sendRaw("SUBSCRIBE\nid:sub-7\ndestination:/topic/prices.AAPL\nreceipt:subscribed\n\n\0");
			StompFrame receipt = subscriber.receive("RECEIPT");
			assertThat(receipt.header("receipt-id")).isEqualTo("subscribed");
			publisher.sendRaw("SEND\ndestination:/topic/prices.AAPL\nbench-sent-nanos:123456789\nbench-seq:42\n"
					+ "content-type:text/plain\n\n" + BODY + "\0");
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.header("subscription")).isEqualTo("sub-7");
			assertThat(message.header("destination")).isEqualTo("/topic/prices.AAPL");
			assertThat(message.header("bench-sent-nanos")).isEqualTo("123456789");
			assertThat(message.header("bench-seq")).isEqualTo("42");
			assertThat(message.header("message-id")).isNotNull();
			assertThat(List.of(connected, receipt, message)).as("frames that came in binary WebSocket messages")
				.noneMatch(StompFrame::arrivedAsBinary);
			// EOLs may follow the NUL (Artemis sends one): the parser counts them as
			// heart-beats
			assertThat(message.bodyText()).isEqualTo(BODY);
		}
	}

	/** A WebSocket offering {@code v12.stomp, v11.stomp, v10.stomp}. */
	static StompConnection open(String url) {
		return WebSocketStompConnection.to(URI.create(url)).open();
	}

	private static StompFrame connect(StompConnection client) {
		client.sendRaw("CONNECT\naccept-version:1.2,1.1,1.0\nhost:localhost\nlogin:guest\npasscode:guest\n"
				+ "heart-beat:0,0\n\n\0");
		StompFrame connected = client.receive("CONNECTED");
		assertThat(connected.header("version")).isEqualTo("1.2");
		return connected;
	}

}
