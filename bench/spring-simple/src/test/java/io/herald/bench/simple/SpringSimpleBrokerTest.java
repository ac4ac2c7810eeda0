package io.herald.bench.simple;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class SpringSimpleBrokerTest {

	private static final String BODY = "x".repeat(128);

	private static final int MAX_PUBLISH_ATTEMPTS = 25;

	@Test
	void dottedTopicSubscriberReceivesSendWithCustomHeadersAndBody() throws Exception {
		try (ConfigurableApplicationContext context = SpringApplication.run(SpringSimpleBroker.class, "--port=0")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			String url = "ws://127.0.0.1:" + port + "/ws";
			try (RawStompClient subscriber = RawStompClient.connect(url);
					RawStompClient publisher = RawStompClient.connect(url)) {
				connect(subscriber);
				connect(publisher);
				// The simple broker answers no RECEIPT for SUBSCRIBE, and SUBSCRIBE and
				// SEND of
				// different sessions race through the inbound channel's thread pool:
				// publish
				// until the subscription is in place.
				subscriber.send("SUBSCRIBE\nid:sub-7\ndestination:/topic/prices.AAPL\n\n");
				String message = null;
				for (int seq = 1; seq <= MAX_PUBLISH_ATTEMPTS && message == null; seq++) {
					publisher.send("SEND\ndestination:/topic/prices.AAPL\nbench-sent-nanos:123456789\nbench-seq:" + seq
							+ "\ncontent-type:text/plain\n\n" + BODY);
					message = subscriber.poll(Duration.ofMillis(200));
				}
				assertThat(message).as("MESSAGE after %d attempts", MAX_PUBLISH_ATTEMPTS).isNotNull();
				assertThat(message).startsWith("MESSAGE\n");
				assertThat(subscriber.binaryMessages()).as("binary WebSocket messages").isZero();
				assertThat(message).contains("subscription:sub-7\n", "destination:/topic/prices.AAPL\n",
						"bench-sent-nanos:123456789\n", "bench-seq:", "message-id:");
				assertThat(message).endsWith("\n\n" + BODY + "\0");
			}
		}
	}

	private static void connect(RawStompClient client) throws Exception {
		client.send("CONNECT\naccept-version:1.2,1.1,1.0\nhost:localhost\nlogin:guest\npasscode:guest\n"
				+ "heart-beat:0,0\n\n");
		assertThat(client.receive("CONNECTED")).contains("version:1.2\n");
	}

}
