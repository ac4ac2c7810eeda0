package io.herald.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import io.herald.routing.Router;

/**
 * Presence across the nodes: each node tells the others of its own members over a fanout
 * exchange ({@code EXCHANGE.presence}), and keeps theirs.
 * <ul>
 * <li>{@code join} and {@code leave} as they happen, in the order of each room's
 * changes.</li>
 * <li>{@code snapshot}: all of a node's members, sent when it connects or comes back, and
 * to each node that asks ({@code sync}, sent by a node that connects). It is
 * authoritative: the receiver makes that node's members what it says, telling its
 * watchers who left and who joined meanwhile. So a leave lost in an outage, or a node
 * restarting with the same id, leaves no stale member.</li>
 * <li>{@code alive} every {@value #TICK_MILLIS} ms; a node not heard of for
 * {@value #SILENCE_SECONDS} s is gone, and its members with it, as at its
 * {@code gone}.</li>
 * </ul>
 * Everything runs on the backplane's loop thread, except {@link #joined} and
 * {@link #left}, which hand over to it.
 */
final class PresenceLink {

	/** Sends an event to the presence exchange, when the link is up. */
	interface Sender {

		void send(String event, Map<String, Object> headers, byte[] body);

	}

	static final String JOIN = "join";

	static final String LEAVE = "leave";

	static final String ALIVE = "alive";

	static final String SYNC = "sync";

	static final String SNAPSHOT = "snapshot";

	static final String GONE = "gone";

	/** How often a node says it is alive. */
	static final long TICK_MILLIS = 5_000;

	private static final long SILENCE_SECONDS = 15;

	private static final JsonFactory JSON = new JsonFactory();

	private final Sender sender;

	private Router router;

	/** Other nodes' members, by node, then by {@code ROOM\0SESSION}. */
	private final Map<String, Map<String, Member>> remote = new HashMap<>();

	/** When each other node was last heard of. */
	private final Map<String, Long> lastHeard = new HashMap<>();

	PresenceLink(Sender sender) {
		this.sender = sender;
	}

	void start(Router router) {
		this.router = router;
	}

	/** One member of a room on some node. */
	private record Member(String room, String user, String session, String info) {

		String key() {
			return this.room + '\u0000' + this.session;
		}

	}

	// ---- this node's members (the loop thread) ----

	void joined(String room, String user, String session, String info) {
		Map<String, Object> headers = new HashMap<>();
		headers.put("room", room);
		headers.put("session", session);
		headers.put("user", user);
		if (info != null) {
			headers.put("info", "json");
		}
		this.sender.send(JOIN, headers, (info != null) ? info.getBytes(StandardCharsets.UTF_8) : new byte[0]);
	}

	void left(String room, String session) {
		Map<String, Object> headers = new HashMap<>();
		headers.put("room", room);
		headers.put("session", session);
		this.sender.send(LEAVE, headers, new byte[0]);
	}

	/** Connected or back: this node's members for the others, theirs asked for. */
	void connected() {
		sendSnapshot();
		this.sender.send(SYNC, new HashMap<>(), new byte[0]);
	}

	/** Says this node is alive, and forgets the members of nodes gone silent. */
	void tick() {
		this.sender.send(ALIVE, new HashMap<>(), new byte[0]);
		long now = System.nanoTime();
		for (String node : List.copyOf(this.lastHeard.keySet())) {
			if (now - this.lastHeard.get(node) > TimeUnit.SECONDS.toNanos(SILENCE_SECONDS)) {
				forget(node);
			}
		}
	}

	/** This node stops: the others forget its members now, not after its silence. */
	void leaving() {
		this.sender.send(GONE, new HashMap<>(), new byte[0]);
	}

	private void sendSnapshot() {
		List<Member> members = new ArrayList<>();
		this.router
			.forEachLocalMember((room, user, session, info) -> members.add(new Member(room, user, session, info)));
		this.sender.send(SNAPSHOT, new HashMap<>(), encode(members));
	}

	// ---- the others' (the loop thread) ----

	/** A presence event of another node. */
	void received(String node, String event, Map<String, String> headers, byte[] body) {
		this.lastHeard.put(node, System.nanoTime());
		switch (event) {
			case JOIN -> {
				Member member = new Member(headers.get("room"), headers.get("user"), headers.get("session"),
						headers.containsKey("info") ? new String(body, StandardCharsets.UTF_8) : null);
				this.remote.computeIfAbsent(node, (key) -> new HashMap<>()).put(member.key(), member);
				join(member);
			}
			case LEAVE -> {
				String room = headers.get("room");
				String session = headers.get("session");
				Map<String, Member> members = this.remote.get(node);
				if (members != null) {
					members.remove(room + '\u0000' + session);
				}
				this.router.memberLeftElsewhere(room, session);
			}
			case SNAPSHOT -> {
				List<Member> members = decode(body);
				if (members != null) {
					replace(node, members);
				}
			}
			case SYNC -> sendSnapshot();
			case GONE -> forget(node);
			default -> {
				// alive: heard above
			}
		}
	}

	/** A node's members are what its snapshot says: who is not in it left. */
	private void replace(String node, List<Member> now) {
		Map<String, Member> before = this.remote.getOrDefault(node, Map.of());
		Map<String, Member> after = new LinkedHashMap<>();
		for (Member member : now) {
			after.put(member.key(), member);
		}
		for (Member gone : before.values()) {
			if (!after.containsKey(gone.key())) {
				this.router.memberLeftElsewhere(gone.room(), gone.session());
			}
		}
		for (Member member : after.values()) {
			if (!Objects.equals(before.get(member.key()), member)) {
				join(member);
			}
		}
		this.remote.put(node, new HashMap<>(after));
	}

	private void join(Member member) {
		this.router.memberJoinedElsewhere(member.room(), member.user(), member.session(), member.info());
	}

	private void forget(String node) {
		this.lastHeard.remove(node);
		Map<String, Member> members = this.remote.remove(node);
		if (members != null) {
			for (Member member : members.values()) {
				this.router.memberLeftElsewhere(member.room(), member.session());
			}
		}
	}

	// ---- snapshot bodies: [{"room":…,"user":…,"session":…,"info":"…"}, …] ----

	private static byte[] encode(List<Member> members) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (JsonGenerator generator = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
			generator.writeStartArray();
			for (Member member : members) {
				generator.writeStartObject();
				generator.writeStringProperty("room", member.room());
				generator.writeStringProperty("user", member.user());
				generator.writeStringProperty("session", member.session());
				if (member.info() != null) {
					generator.writeStringProperty("info", member.info());
				}
				generator.writeEndObject();
			}
			generator.writeEndArray();
		}
		return out.toByteArray();
	}

	/**
	 * The members a snapshot lists, or {@code null} for a body that is not one (logged,
	 * and the node's members left as they are).
	 */
	private static List<Member> decode(byte[] body) {
		List<Member> members = new ArrayList<>();
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), body)) {
			if (parser.nextToken() != JsonToken.START_ARRAY) {
				throw new IllegalArgumentException("not an array");
			}
			JsonToken token;
			while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
				Map<String, String> fields = new HashMap<>();
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					parser.nextToken();
					fields.put(name, parser.getString());
				}
				if (fields.get("room") == null || fields.get("session") == null) {
					throw new IllegalArgumentException("a member without room or session");
				}
				members
					.add(new Member(fields.get("room"), fields.get("user"), fields.get("session"), fields.get("info")));
			}
			if (token != JsonToken.END_ARRAY) {
				throw new IllegalArgumentException("not an array of members");
			}
		}
		catch (JacksonException | IllegalArgumentException ex) {
			java.util.logging.Logger.getLogger(PresenceLink.class.getName())
				.warning("cluster: a presence snapshot that is not one was ignored: " + ex.getMessage());
			return null;
		}
		return members;
	}

}
