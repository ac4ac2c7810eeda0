package io.herald.session;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.routing.DestinationPattern;
import io.herald.routing.Ingress;
import io.herald.routing.TopicRules;
import io.herald.routing.TopicRules.Retain;
import io.herald.routing.TopicRules.SlowConsumer;
import io.herald.security.Action;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence through sessions on the harness: who is in a room, as watchers of
 * {@code /presence/topic/NAME} are told, in order, with several sessions per user and
 * abrupt disconnects; the bound on large rooms; what is refused.
 */
class PresenceTest {

	private static final TopicRules.Rule ROOMS = new TopicRules.Rule(
			List.of(DestinationPattern.compile("/topic/chat.#")), Retain.NONE, 0, 0, 0, SlowConsumer.DISCONNECT, 0,
			true);

	private final BrokerHarness harness = BrokerHarness.builder().testAuthenticator().topicRules(ROOMS).build();

	private static String event(Frame message) {
		return message.header(Ingress.PRESENCE_EVENT_HEADER) + " " + message.bodyAsText();
	}

	@Test
	void watchersGetASnapshotThenEveryChangeInOrderAndAUserLeavesWithItsLastSession() {
		StompClient watcher = this.harness.connectAs("watcher");
		watcher.subscribe("w", "/presence/topic/chat.lobby", "receipt", "watching");
		assertThat(event(watcher.next(Command.MESSAGE))).isEqualTo("snapshot []");
		watcher.expectReceipt("watching");
		StompClient alicePhone = this.harness.connectAs("alice");
		alicePhone.subscribe("s", "/topic/chat.lobby", Ingress.PRESENCE_INFO_HEADER, "{\"device\":\"phone\"}");
		StompClient aliceLaptop = this.harness.connectAs("alice");
		aliceLaptop.subscribe("s", "/topic/chat.lobby");
		StompClient bob = this.harness.connectAs("bob");
		bob.subscribe("s", "/topic/chat.lobby");
		bob.subscribe("again", "/topic/chat.lobby", Ingress.PRESENCE_INFO_HEADER, "{\"status\":\"away\"}");
		bob.subscribe("watching-all", "/topic/chat.*");
		alicePhone.closeSocket();
		this.harness.runDue();
		aliceLaptop.send(Command.UNSUBSCRIBE, "id", "s");
		String phone = alicePhone.session().id();
		String laptop = aliceLaptop.session().id();
		String bobs = bob.session().id();
		assertThat(watcher.drain()).extracting(PresenceTest::event)
			.containsExactly("join {\"user\":\"alice\",\"session\":\"" + phone + "\",\"info\":{\"device\":\"phone\"}}",
					"session-join {\"user\":\"alice\",\"session\":\"" + laptop + "\"}",
					"join {\"user\":\"bob\",\"session\":\"" + bobs + "\"}",
					"update {\"user\":\"bob\",\"session\":\"" + bobs + "\",\"info\":{\"status\":\"away\"}}",
					"session-leave {\"user\":\"alice\",\"session\":\"" + phone + "\",\"info\":{\"device\":\"phone\"}}",
					"leave {\"user\":\"alice\",\"session\":\"" + laptop + "\"}");
		StompClient late = this.harness.connectAs("late");
		late.subscribe("w", "/presence/topic/chat.lobby");
		Frame snapshot = late.next(Command.MESSAGE);
		assertThat(snapshot.header("destination")).isEqualTo("/presence/topic/chat.lobby");
		assertThat(snapshot.header("content-type")).isEqualTo("application/json");
		assertThat(event(snapshot)).as("a wildcard subscription is watching, not joining")
			.isEqualTo("snapshot [{\"user\":\"bob\",\"session\":\"" + bobs + "\",\"info\":{\"status\":\"away\"}}]");
		bob.send(Command.UNSUBSCRIBE, "id", "s");
		assertThat(watcher.drain()).as("bob is still in through his second subscription").isEmpty();
		bob.send(Command.DISCONNECT, "receipt", "bye");
		this.harness.runDue();
		assertThat(watcher.drain()).extracting(PresenceTest::event)
			.containsExactly("leave {\"user\":\"bob\",\"session\":\"" + bobs + "\",\"info\":{\"status\":\"away\"}}");
		assertThat(new String(this.harness.broker().router().presenceSnapshot("chat.lobby"))).isEqualTo("[]");
	}

	@Test
	void aRoomOverTheBoundSendsCountsAtMostOnceASweepAndTheListAgainWhenItShrinks() {
		BrokerHarness bounded = BrokerHarness.builder()
			.testAuthenticator()
			.topicRules(ROOMS)
			.presenceMaxListed(2)
			.build();
		StompClient watcher = bounded.connectAs("watcher");
		watcher.subscribe("w", "/presence/topic/chat.big");
		watcher.next(Command.MESSAGE);
		StompClient[] members = new StompClient[4];
		for (int i = 0; i < members.length; i++) {
			members[i] = bounded.connectAs("user" + i);
			members[i].subscribe("s", "/topic/chat.big");
		}
		assertThat(watcher.drain()).extracting((m) -> m.header(Ingress.PRESENCE_EVENT_HEADER))
			.as("two listed, then over the bound: nothing one by one")
			.containsExactly("join", "join");
		bounded.broker().router().sweepTopics();
		assertThat(watcher.drain()).extracting(PresenceTest::event)
			.containsExactly("counts {\"sessions\":4,\"users\":4}");
		bounded.broker().router().sweepTopics();
		assertThat(watcher.drain()).as("nothing changed, nothing sent").isEmpty();
		StompClient late = bounded.connectAs("late");
		late.subscribe("w", "/presence/topic/chat.big");
		assertThat(event(late.next(Command.MESSAGE))).isEqualTo("counts {\"sessions\":4,\"users\":4}");
		members[0].send(Command.UNSUBSCRIBE, "id", "s");
		members[1].send(Command.UNSUBSCRIBE, "id", "s");
		bounded.broker().router().sweepTopics();
		assertThat(watcher.drain()).extracting(PresenceTest::event)
			.as("at the bound again, but not well under it: still counts")
			.containsExactly("counts {\"sessions\":2,\"users\":2}");
		members[2].send(Command.UNSUBSCRIBE, "id", "s");
		assertThat(watcher.drain()).as("until the sweep").isEmpty();
		bounded.broker().router().sweepTopics();
		List<Frame> shrunk = watcher.drain();
		assertThat(shrunk).extracting((m) -> m.header(Ingress.PRESENCE_EVENT_HEADER)).containsExactly("snapshot");
		assertThat(shrunk.get(0).bodyAsText()).contains("user3").doesNotContain("user0", "user2");
		members[3].send(Command.UNSUBSCRIBE, "id", "s");
		assertThat(watcher.drain()).extracting((m) -> m.header(Ingress.PRESENCE_EVENT_HEADER))
			.as("listed again: events one by one")
			.containsExactly("leave");
	}

	@Test
	void watchingNeedsTheRightToSubscribeToTheRoomAndARoomWithPresence() {
		BrokerHarness guarded = BrokerHarness.builder()
			.testAuthenticator()
			.topicRules(ROOMS)
			.policy((identity, action, destination) -> action == Action.SUBSCRIBE
					&& destination.equals("/topic/chat.open"))
			.build();
		StompClient client = guarded.connectAs("alice");
		client.subscribe("w", "/presence/topic/chat.open", "receipt", "ok");
		client.next(Command.MESSAGE);
		client.expectReceipt("ok");
		client.subscribe("x", "/presence/topic/chat.closed");
		assertThat(client.expectError().header("message"))
			.isEqualTo("access denied: user 'alice' may not subscribe to '/topic/chat.closed', "
					+ "which watching '/presence/topic/chat.closed' needs");
		StompClient other = this.harness.connectAs("bob");
		other.subscribe("x", "/presence/topic/news.today");
		assertThat(other.expectError().header("message")).isEqualTo(
				"presence is not enabled for /topic/news.today: no herald.topics.rules entry with presence: true covers it");
	}

	@Test
	void badPresenceRequestsGetAnErrorNamingTheProblem() {
		assertThat(errorOf("SUBSCRIBE", "/presence/topic/chat.*")).contains("without wildcards");
		assertThat(errorOf("SEND", "/presence/topic/chat.lobby")).contains("is for SUBSCRIBE only");
		assertThat(errorOf("SUBSCRIBE", "/topic/chat.lobby", Ingress.PRESENCE_INFO_HEADER, "{nope"))
			.startsWith("x-herald-presence-info must be JSON");
		assertThat(errorOf("SUBSCRIBE", "/topic/chat.lobby", Ingress.PRESENCE_INFO_HEADER, "1 2"))
			.startsWith("x-herald-presence-info must be one JSON value");
		assertThat(errorOf("SUBSCRIBE", "/topic/chat.lobby", Ingress.PRESENCE_INFO_HEADER,
				"\"" + "x".repeat(ClientFrames.MAX_PRESENCE_INFO) + "\""))
			.isEqualTo("x-herald-presence-info must be at most 1024 bytes of JSON, was 1026");
	}

	private String errorOf(String command, String destination, String... headers) {
		StompClient client = this.harness.connectAs("carol");
		String[] all = new String[headers.length + 4];
		all[0] = "destination";
		all[1] = destination;
		all[2] = "id";
		all[3] = "x";
		System.arraycopy(headers, 0, all, 4, headers.length);
		client.send(Command.valueOf(command), all);
		return client.expectError().header("message");
	}

}
