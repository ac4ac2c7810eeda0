package io.herald.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.routing.Router;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another node's members as its presence events say, against a real router: joins and
 * leaves as they come, a snapshot that replaces what the node had (who is not in it
 * left), a body that is not a snapshot changing nothing, a node gone taking its members
 * along.
 */
class PresenceLinkTest {

	private final Router router = new Router(100, 64);

	/** What this node sent: event names, in order. */
	private final List<String> sent = new ArrayList<>();

	private final PresenceLink link = new PresenceLink((event, headers, body) -> this.sent.add(event));

	@BeforeEach
	void start() {
		this.link.start(this.router);
	}

	private void join(String node, String room, String user, String session) {
		Map<String, String> headers = new HashMap<>();
		headers.put("room", room);
		headers.put("user", user);
		headers.put("session", session);
		this.link.received(node, PresenceLink.JOIN, headers, new byte[0]);
	}

	private void snapshot(String node, String json) {
		this.link.received(node, PresenceLink.SNAPSHOT, Map.of(), json.getBytes(StandardCharsets.UTF_8));
	}

	private String members(String room) {
		return new String(this.router.presenceSnapshot(room), StandardCharsets.UTF_8);
	}

	@Test
	void aSnapshotReplacesTheNodesMembersWhoIsNotInItLeft() {
		join("b", "lobby", "alice", "b-1");
		join("b", "lobby", "bob", "b-2");
		assertThat(members("lobby")).contains("alice").contains("bob");
		// b was cut off while alice left; what it says when it is back is what is true
		snapshot("b", "[{\"room\":\"lobby\",\"user\":\"bob\",\"session\":\"b-2\"},"
				+ "{\"room\":\"lobby\",\"user\":\"carol\",\"session\":\"b-3\",\"info\":\"{\\\"via\\\":\\\"b\\\"}\"}]");
		assertThat(members("lobby")).doesNotContain("alice").contains("bob").contains("carol").contains("\"via\"");
	}

	@Test
	void aBodyThatIsNotAWholeSnapshotChangesNothing() {
		join("b", "lobby", "alice", "b-1");
		snapshot("b", "[{\"room\":\"lobby\",\"user\":\"bob\",\"session\":\"b-2\"}, 42]");
		snapshot("b", "[{\"user\":\"bob\"}]");
		snapshot("b", "not json");
		assertThat(members("lobby")).contains("alice").doesNotContain("bob");
	}

	@Test
	void aNodeGoneTakesItsMembersAlongAndNoOtherNodes() {
		join("b", "lobby", "alice", "b-1");
		join("c", "lobby", "dave", "c-1");
		this.link.received("b", PresenceLink.GONE, Map.of(), new byte[0]);
		assertThat(members("lobby")).doesNotContain("alice").contains("dave");
	}

	@Test
	void connectingSendsThisNodesSnapshotAndAsksForTheOthersWhoAnswerWithTheirs() {
		this.link.connected();
		assertThat(this.sent).containsExactly(PresenceLink.SNAPSHOT, PresenceLink.SYNC);
		this.link.received("b", PresenceLink.SYNC, Map.of(), new byte[0]);
		assertThat(this.sent).containsExactly(PresenceLink.SNAPSHOT, PresenceLink.SYNC, PresenceLink.SNAPSHOT);
	}

}
