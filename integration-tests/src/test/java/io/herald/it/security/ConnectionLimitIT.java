package io.herald.it.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node-wide connection limit, counted across transports: the connection over it gets
 * an ERROR naming the limit, the ones within keep working, and a place freed is taken.
 */
class ConnectionLimitIT {

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs("--herald.limits.max-connections=3");

	@Test
	void theConnectionOverTheNodeLimitIsRefused() {
		List<StompConnection> open = new ArrayList<>();
		try {
			open.add(Transport.WEBSOCKET.open(broker));
			open.add(Transport.TCP.open(broker));
			open.add(Transport.TCP.open(broker));
			for (StompConnection client : open) {
				assertThat(client.attemptConnect().command()).isEqualTo("CONNECTED");
			}
			try (StompConnection fourth = Transport.TCP.open(broker)) {
				StompFrame refused = fourth.receive();
				assertThat(refused.command()).isEqualTo("ERROR");
				assertThat(refused.header("message"))
					.isEqualTo("connection refused: the broker exceeds the limit of 3 connections");
				fourth.awaitClosed();
			}
			open.get(0)
				.send(StompFrame.create("SUBSCRIBE")
					.header("id", "0")
					.header("destination", "/topic/t")
					.header("receipt", "still-served"));
			assertThat(open.get(0).receive().header("receipt-id")).isEqualTo("still-served");
			open.remove(open.size() - 1).close();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
				try (StompConnection again = Transport.TCP.open(broker)) {
					assertThat(again.attemptConnect().command()).isEqualTo("CONNECTED");
				}
			});
		}
		finally {
			open.forEach(StompConnection::close);
		}
	}

}
