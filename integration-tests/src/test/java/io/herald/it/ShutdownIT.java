package io.herald.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.herald.it.support.HeraldServer;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown: closing the application context (what SIGTERM does) takes the node
 * out of the load balancer's rotation (readiness DOWN) and tells every connected client
 * "server shutting down" over its own transport, then closes it.
 */
class ShutdownIT {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void everyClientGetsServerShuttingDownBeforeTheClose() {
		HeraldServer server = HeraldServer.start();
		List<StompConnection> clients = new ArrayList<>();
		try {
			String topic = "/topic/" + HeraldServer.unique("shutdown");
			for (Transport transport : Transport.values()) {
				StompConnection client = transport.connect(server);
				client.subscribe(topic, "s");
				clients.add(client);
			}
			StompConnection unconnected = Transport.TCP.open(server);
			clients.add(unconnected);
			// the unconnected socket is known to the broker once it answers something
			try (StompConnection probe = Transport.TCP.connect(server)) {
				probe.disconnect();
			}
			server.close();
			for (StompConnection client : clients) {
				StompFrame error = client.receive();
				assertThat(error.command()).as("%s", client).isEqualTo("ERROR");
				assertThat(error.header("message")).as("%s", client).isEqualTo("server shutting down");
				client.awaitClosed();
			}
		}
		finally {
			clients.forEach(StompConnection::close);
			server.close();
		}
	}

	@Test
	void readinessGoesDownFirstAndTheDrainPeriodStillServesTheOpenSessions() throws Exception {
		HeraldServer server = HeraldServer.start("--herald.shutdown.drain-period=3s");
		Thread closing = new Thread(server::close, "closing-herald");
		try (StompConnection client = Transport.WEBSOCKET.connect(server)) {
			assertThat(readiness(server).statusCode()).isEqualTo(200);
			assertThat(readiness(server).body()).contains("\"UP\"");
			assertThat(liveness(server).statusCode()).isEqualTo(200);
			closing.start();
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
				HttpResponse<String> readiness = readiness(server);
				assertThat(readiness.statusCode()).isEqualTo(503);
				assertThat(readiness.body()).contains("\"OUT_OF_SERVICE\"");
			});
			// still served while draining: a RECEIPT proves the session works
			assertThat(client.subscribe("/topic/" + HeraldServer.unique("draining"), "d").command())
				.isEqualTo("RECEIPT");
			assertThat(liveness(server).statusCode()).as("alive while draining").isEqualTo(200);
			StompFrame error = client.receive(Duration.ofSeconds(10));
			assertThat(error.header("message")).isEqualTo("server shutting down");
			closing.join(Duration.ofSeconds(10).toMillis());
			assertThat(closing.isAlive()).isFalse();
		}
		finally {
			server.close();
		}
	}

	private static HttpResponse<String> readiness(HeraldServer server) throws Exception {
		return health(server, "/actuator/health/readiness");
	}

	private static HttpResponse<String> liveness(HeraldServer server) throws Exception {
		return health(server, "/actuator/health/liveness");
	}

	private static HttpResponse<String> health(HeraldServer server, String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
