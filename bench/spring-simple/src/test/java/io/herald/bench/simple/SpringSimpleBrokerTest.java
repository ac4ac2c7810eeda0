package io.herald.bench.simple;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.WebSocketStompConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class SpringSimpleBrokerTest {

	private static final String BODY = "x".repeat(128);

	private static final int MAX_PUBLISH_ATTEMPTS = 25;

	@Test
	void dottedTopicSubscriberReceivesSendWithCustomHeadersAndBody() {
		try (ConfigurableApplicationContext context = SpringApplication.run(SpringSimpleBroker.class, "--port=0")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			URI url = URI.create("ws://127.0.0.1:" + port + "/ws");
			try (StompConnection subscriber = WebSocketStompConnection.to(url).open();
					StompConnection publisher = WebSocketStompConnection.to(url).open()) {
				StompFrame connected = connect(subscriber);
				connect(publisher);
				// The simple broker answers no RECEIPT for SUBSCRIBE, and SUBSCRIBE and
				// SEND of different sessions race through the inbound channel's thread
				// pool: publish until the subscription is in place.
				subscriber.sendRaw("SUBSCRIBE\nid:sub-7\ndestination:/topic/prices.AAPL\n\n\0");
				StompFrame message = null;
				for (int seq = 1; seq <= MAX_PUBLISH_ATTEMPTS && message == null; seq++) {
					publisher.sendRaw("SEND\ndestination:/topic/prices.AAPL\nbench-sent-nanos:123456789\nbench-seq:"
							+ seq + "\ncontent-type:text/plain\n\n" + BODY + "\0");
					message = subscriber.poll(Duration.ofMillis(200));
				}
				assertThat(message).as("MESSAGE after %d attempts", MAX_PUBLISH_ATTEMPTS).isNotNull();
				assertThat(message.command()).isEqualTo("MESSAGE");
				assertThat(List.of(connected, message)).as("frames that came in binary WebSocket messages")
					.noneMatch(StompFrame::arrivedAsBinary);
				assertThat(message.header("subscription")).isEqualTo("sub-7");
				assertThat(message.header("destination")).isEqualTo("/topic/prices.AAPL");
				assertThat(message.header("bench-sent-nanos")).isEqualTo("123456789");
				assertThat(message.header("bench-seq")).isNotNull();
				assertThat(message.header("message-id")).isNotNull();
				assertThat(message.bodyText()).isEqualTo(BODY);
			}
		}
	}

	private static StompFrame connect(StompConnection client) {
		client.sendRaw("CONNECT\naccept-version:1.2,1.1,1.0\nhost:localhost\nlogin:guest\npasscode:guest\n"
				+ "heart-beat:0,0\n\n\0");
		StompFrame connected = client.receive("CONNECTED");
		assertThat(connected.header("version")).isEqualTo("1.2");
		return connected;
	}

}
