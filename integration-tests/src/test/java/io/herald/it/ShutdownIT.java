package io.herald.it;

import java.util.ArrayList;
import java.util.List;

import io.herald.it.support.HeraldServer;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Graceful shutdown: closing the application context (what SIGTERM does) tells every
 * connected client "server shutting down" over its own transport, then closes it.
 */
class ShutdownIT {

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

}
