package io.herald.it;

import java.time.Duration;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Heart-beating (STOMP 1.2, "Heart-beating") and the connect timeout, with a broker that
 * offers fast heart-beats ({@code 200,200}) and waits 1.5 s for CONNECT.
 */
class HeartBeatIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.heartbeat.send-interval=200ms",
			"--herald.heartbeat.receive-interval=200ms", "--herald.limits.connect-timeout=1500ms");

	@OverEveryTransport
	void brokerSendsHeartBeatsAtTheNegotiatedRate(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			StompFrame connected = client.connect("heart-beat", "0,300");
			assertThat(connected.header("heart-beat")).isEqualTo("200,200");
			long start = System.nanoTime();
			await().atMost(StompConnection.WAIT).until(() -> client.heartBeats() >= 5);
			long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
			// agreed interval max(200, 300) = 300 ms: five beats cannot come in a burst
			assertThat(elapsedMillis).as("time for five heart-beats").isGreaterThanOrEqualTo(600);
			assertThat(client.isClosed()).isFalse();
			client.disconnect();
		}
	}

	@OverEveryTransport
	void noHeartBeatsWhenTheClientDoesNotWantThem(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			client.connect("heart-beat", "0,0");
			// an idle period well beyond both intervals: the broker neither beats nor
			// drops
			client.expectNoFrame(Duration.ofMillis(1200));
			assertThat(client.heartBeats()).isZero();
			assertThat(client.isClosed()).isFalse();
			client.disconnect();
		}
	}

	@OverEveryTransport
	void silentClientIsDroppedWithError(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			// the client promises a beat every 300 ms and then sends nothing
			client.connect("heart-beat", "300,0");
			StompFrame error = client.receive(StompConnection.WAIT);
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).contains("heart-beat timeout").contains("agreed interval 300 ms");
			client.awaitClosed();
		}
	}

	@OverEveryTransport
	void clientThatKeepsBeatingStaysConnected(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			// agreed interval max(200, 500) = 500 ms, dropped after 1 s of silence:
			// beating
			// every 100 ms leaves room for a loaded machine
			client.connect("heart-beat", "500,0");
			long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
			while (System.nanoTime() < until) {
				client.sendRaw("\n");
				// paces the beats; any frame here would be an ERROR
				assertThat(client.poll(Duration.ofMillis(100))).isNull();
			}
			assertThat(client.isClosed()).isFalse();
			client.disconnect();
		}
	}

	@OverEveryTransport
	void connectionWithoutConnectIsClosedAfterTheTimeout(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			StompFrame error = client.receive(StompConnection.WAIT);
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).contains("no CONNECT frame within 1500 ms");
			client.awaitClosed();
		}
	}

}
