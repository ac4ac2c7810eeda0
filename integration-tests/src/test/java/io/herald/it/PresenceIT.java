package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.herald.it.security.Tokens;
import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.JsonHttp;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static io.herald.it.support.JsonHttp.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence over real sockets: a room's watcher sees members come and go, across
 * transports, with several sessions of one user and a session whose socket just dies; the
 * same room over HTTP.
 */
class PresenceIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(
			"--herald.topics.rules[0].destinations[0]=/topic/room.#", "--herald.topics.rules[0].presence=true",
			"--herald.security.jwt.secret=" + Tokens.SECRET);

	/** The next presence message: its event and body. */
	private static String next(StompConnection watcher) {
		StompFrame message = watcher.receive("MESSAGE");
		return message.header("x-herald-presence-event") + " " + message.bodyText();
	}

	private static StompConnection member(Transport transport, String user, String room, String... headers) {
		StompConnection client = transport.open(server);
		client.connect("Authorization", "Bearer " + Tokens.valid(user));
		client.subscribe(room, "in", headers);
		return client;
	}

	@Test
	void aWatcherSeesJoinsAndLeavesInOrderAcrossTransportsAndAbruptDisconnects() throws Exception {
		String name = "room." + HeraldServer.unique("lobby");
		String room = "/topic/" + name;
		List<StompConnection> open = new ArrayList<>();
		try (StompConnection watcher = Transport.WEBSOCKET.connect(server)) {
			watcher.subscribe("/presence" + room, "w");
			assertThat(next(watcher)).isEqualTo("snapshot []");
			StompConnection aliceTcp = member(Transport.TCP, "alice", room, "x-herald-presence-info",
					"{\"name\":\"Alice\"}");
			open.add(aliceTcp);
			String tcpSession = sessionOf(watcher, "join", "alice");
			StompConnection aliceWs = member(Transport.WEBSOCKET, "alice", room);
			open.add(aliceWs);
			String wsSession = sessionOf(watcher, "session-join", "alice");
			StompConnection bob = member(Transport.SOCKJS, "bob", room);
			open.add(bob);
			String bobSession = sessionOf(watcher, "join", "bob");
			assertThat(List.of(tcpSession, wsSession, bobSession)).doesNotHaveDuplicates();

			JsonHttp.Answer snapshot = JsonHttp.get(server, "/api/v1/presence/topic/" + name);
			assertThat(snapshot.status()).isEqualTo(200);
			assertThat(snapshot.body().size()).isEqualTo(3);
			assertThat(snapshot.body().get(0).get("info").get("name").stringValue()).isEqualTo("Alice");

			// the TCP socket dies without DISCONNECT: alice stays through her other
			// session
			aliceTcp.close();
			assertThat(next(watcher)).isEqualTo("session-leave {\"user\":\"alice\",\"session\":\"" + tcpSession
					+ "\",\"info\":{\"name\":\"Alice\"}}");
			aliceWs.disconnect();
			assertThat(next(watcher)).isEqualTo("leave {\"user\":\"alice\",\"session\":\"" + wsSession + "\"}");
			bob.unsubscribe("in");
			assertThat(next(watcher)).isEqualTo("leave {\"user\":\"bob\",\"session\":\"" + bobSession + "\"}");
			watcher.expectNoFrame(Duration.ofMillis(200));
			assertThat(JsonHttp.get(server, "/api/v1/presence/topic/" + name).body().size()).isZero();
		}
		finally {
			open.forEach(StompConnection::close);
		}
	}

	/** The next event must be this one about this user: its session. */
	private static String sessionOf(StompConnection watcher, String event, String user) {
		StompFrame message = watcher.receive("MESSAGE");
		assertThat(message.header("x-herald-presence-event")).isEqualTo(event);
		JsonNode body = JSON.readTree(message.bodyText());
		assertThat(body.get("user").stringValue()).isEqualTo(user);
		return body.get("session").stringValue();
	}

	@Test
	void aRoomWithoutPresenceIsRefusedOverStompAndHttp() throws Exception {
		try (StompConnection client = Transport.TCP.connect(server)) {
			client.send(
					StompFrame.create("SUBSCRIBE").header("destination", "/presence/topic/plain.x").header("id", "1"));
			assertThat(client.expectErrorAndClose().header("message"))
				.contains("presence is not enabled for /topic/plain.x");
		}
		JsonHttp.assertProblem(JsonHttp.get(server, "/api/v1/presence/topic/plain.x"), 404, "not-found",
				"presence is not enabled");
	}

}
