package io.herald.bench.targets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange every bench target must support, as the generator drives it: CONNECT with
 * guest/guest, SUBSCRIBE to a dotted topic, SEND with custom headers, receive the MESSAGE
 * with those headers and the body.
 */
final class TargetSmoke {

	static final String BODY = "x".repeat(128);

	private TargetSmoke() {
	}

	static void subscribeSendReceive(String url) throws Exception {
		try (RawStompClient subscriber = RawStompClient.connect(url);
				RawStompClient publisher = RawStompClient.connect(url)) {
			connect(subscriber);
			connect(publisher);
			subscriber.send("SUBSCRIBE\nid:sub-7\ndestination:/topic/prices.AAPL\nreceipt:subscribed\n\n");
			assertThat(subscriber.receive("RECEIPT")).contains("receipt-id:subscribed\n");
			publisher.send("SEND\ndestination:/topic/prices.AAPL\nbench-sent-nanos:123456789\nbench-seq:42\n"
					+ "content-type:text/plain\n\n" + BODY);
			String message = subscriber.receive("MESSAGE");
			assertThat(message).contains("subscription:sub-7\n", "destination:/topic/prices.AAPL\n",
					"bench-sent-nanos:123456789\n", "bench-seq:42\n", "message-id:");
			// EOLs may follow the NUL (Artemis sends one)
			assertThat(subscriber.binaryMessages()).as("binary WebSocket messages").isZero();
			assertThat(message.replaceFirst("[\r\n]+$", "")).endsWith("\n\n" + BODY + "\0");
		}
	}

	private static void connect(RawStompClient client) throws Exception {
		client.send("CONNECT\naccept-version:1.2,1.1,1.0\nhost:localhost\nlogin:guest\npasscode:guest\n"
				+ "heart-beat:0,0\n\n");
		assertThat(client.receive("CONNECTED")).contains("version:1.2\n");
	}

}
