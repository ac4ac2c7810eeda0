package io.herald.it.security;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.herald.it.support.HeraldServer;
import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node-wide connection limit, counted across transports: the connection over it gets
 * an ERROR naming the limit, the ones within keep working, and a place freed is taken.
 */
class ConnectionLimitIT {

	private static HeraldServer broker;

	private static int httpPort;

	private static int tcpPort;

	@BeforeAll
	static void startBroker() {
		broker = HeraldServer.start("--herald.limits.max-connections=3");
		httpPort = broker.httpPort();
		tcpPort = broker.tcpPort();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@Test
	void theConnectionOverTheNodeLimitIsRefused() throws Exception {
		List<RawStomp> open = new ArrayList<>();
		try {
			open.add(RawStomp.webSocket(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), Map.of(), null));
			open.add(RawStomp.tcp(tcpPort));
			open.add(RawStomp.tcp(tcpPort));
			for (RawStomp client : open) {
				assertThat(client.connect().command()).isEqualTo(Command.CONNECTED);
			}
			try (RawStomp fourth = RawStomp.tcp(tcpPort)) {
				Frame refused = fourth.next();
				assertThat(refused.command()).isEqualTo(Command.ERROR);
				assertThat(refused.header("message"))
					.isEqualTo("connection refused: the broker exceeds the limit of 3 connections");
				assertThat(fourth.awaitClosed()).isTrue();
			}
			open.get(0).send("SUBSCRIBE", "", "id:0", "destination:/topic/t", "receipt:still-served");
			assertThat(open.get(0).next().header("receipt-id")).isEqualTo("still-served");
			open.remove(open.size() - 1).close();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
				try (RawStomp again = RawStomp.tcp(tcpPort)) {
					assertThat(again.connect().command()).isEqualTo(Command.CONNECTED);
				}
			});
		}
		finally {
			open.forEach(RawStomp::close);
		}
	}

}
