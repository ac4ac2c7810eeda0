package io.herald.routing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.herald.protocol.Headers;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Who is in a room: the sessions subscribed by its exact name to a topic whose rule says
 * {@code presence: true}, and the {@code /presence/topic/NAME} kind of destination that
 * tells watchers about them: one {@code snapshot} message (a JSON array of members, each
 * {@code {"user", "session", "info"}}), then an event per change in the order the changes
 * happened: {@code join} (a user's first session), {@code session-join} (another session
 * of a user already there), {@code update} (a session subscribed again with other member
 * info), {@code session-leave} (a session of a user who stays) and {@code leave} (the
 * user's last session). Each event's body is the member it is about.
 *
 * <p>
 * A room of more than {@code maxListed} sessions sends counts instead of names: its
 * snapshot is {@code {"sessions": N, "users": M}} ({@code counts}), and changes are not
 * sent one by one but as a {@code counts} event at most once a second ({@link #sweep()});
 * when it is down to nine tenths of the bound, watchers get a fresh {@code snapshot} at
 * the next sweep. So a watcher's memory and traffic are bounded whatever the room's size,
 * and a room hovering at the bound does not resend its list at every change.
 *
 * <p>
 * Design: each room has a monitor; a change and the delivery of its event to every
 * watcher happen under it, and so do a new watcher's registration and its snapshot, so no
 * watcher sees an event twice, misses one, or sees them out of order. Delivering never
 * blocks (it only offers to the watchers' outbound buffers), and nothing calls into a
 * room while holding a subscription's monitor.
 */
final class Presence implements DestinationType {

	/** The header naming what a presence message is. */
	static final String EVENT_HEADER = "x-herald-presence-event";

	private static final JsonFactory JSON = new JsonFactory();

	private final int maxListed;

	private final Map<String, Room> rooms = new ConcurrentHashMap<>();

	private volatile Upstream upstream = Upstream.NONE;

	/** The message ids of presence messages, unique on the node. */
	private final AtomicLong ids = new AtomicLong();

	/**
	 * @param maxListed rooms of more sessions send counts only
	 */
	Presence(int maxListed) {
		this.maxListed = maxListed;
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.PRESENCE;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		return PublishResult.refused(destination.clientName() + " is for SUBSCRIBE only");
	}

	@Override
	public Route subscribe(Destination destination, String user, Subscriber watcher) {
		Room room = enter(destination.name(), (entered) -> {
			entered.watchers.add(watcher);
			watcher.deliver(entered.snapshot(), false);
		});
		return () -> leaveRoom(room, (left) -> left.watchers.remove(watcher));
	}

	@Override
	public void describe(List<DestinationInfo> into) {
		// a room is its topic; watchers are no destination of their own
	}

	/**
	 * A session subscribed to a room by its exact name.
	 * @param info its member info ({@code x-herald-presence-info}, JSON), or {@code null}
	 * @return what to run when that subscription ends
	 */
	Runnable join(String roomName, String user, String session, String info) {
		Room room = enter(roomName, (entered) -> {
			Member changed = entered.join(user, session, info, true);
			if (changed != null) {
				// under the room's monitor: the other nodes hear of a room's changes in
				// order
				this.upstream.memberJoined(roomName, user, session, changed.info());
			}
		});
		return () -> leaveRoom(room, (left) -> {
			if (left.leave(session, false)) {
				this.upstream.memberLeft(roomName, session);
			}
		});
	}

	/** Another node's session entered a room, or changed its member info there. */
	void joinedElsewhere(String roomName, String user, String session, String info) {
		enter(roomName, (entered) -> entered.join(user, session, info, false));
	}

	/** Another node's session left a room (or its node is gone). */
	void leftElsewhere(String roomName, String session) {
		Room room = this.rooms.get(roomName);
		if (room != null) {
			leaveRoom(room, (left) -> left.leave(session, true));
		}
	}

	/** Sets who hears of this node's own members: the cluster backplane. */
	void upstream(Upstream upstream) {
		this.upstream = upstream;
	}

	/** Tells {@code each} of every member of this node's own, room by room. */
	void forEachLocalMember(Router.MemberVisitor each) {
		for (Room room : this.rooms.values()) {
			synchronized (room) {
				for (Member member : room.members.values()) {
					if (member.local()) {
						each.member(room.name, member.user(), member.session(), member.info());
					}
				}
			}
		}
	}

	/** The room's snapshot as a {@code snapshot} or {@code counts} JSON body. */
	byte[] snapshot(String roomName) {
		Room room = this.rooms.get(roomName);
		if (room == null) {
			return json((generator) -> {
				generator.writeStartArray();
				generator.writeEndArray();
			});
		}
		synchronized (room) {
			return room.snapshotBody();
		}
	}

	/**
	 * Sends the counts of large rooms that changed since the last sweep, and the list
	 * again to those that shrank well under the bound.
	 */
	void sweep() {
		for (Room room : this.rooms.values()) {
			synchronized (room) {
				if (room.listed || !room.countsChanged) {
					continue;
				}
				room.countsChanged = false;
				if (room.members.size() <= relistBelow()) {
					room.listed = true;
					room.tell("snapshot", room.snapshotBody());
				}
				else {
					room.tell("counts", room.counts());
				}
			}
		}
	}

	/**
	 * A room over the bound is listed again once it is down to nine tenths of it, so that
	 * one that hovers at the bound does not send its whole list at every change.
	 */
	private int relistBelow() {
		return this.maxListed * 9 / 10;
	}

	/** Rooms known now: with members or watchers. */
	int roomCount() {
		return this.rooms.size();
	}

	private Room enter(String name, java.util.function.Consumer<Room> action) {
		while (true) {
			Room room = this.rooms.computeIfAbsent(name, Room::new);
			synchronized (room) {
				if (!room.retired) {
					action.accept(room);
					return room;
				}
			}
		}
	}

	private void leaveRoom(Room room, java.util.function.Consumer<Room> action) {
		synchronized (room) {
			if (room.retired) {
				return;
			}
			action.accept(room);
			if (room.members.isEmpty() && room.watchers.isEmpty()) {
				room.retired = true;
				this.rooms.remove(room.name, room);
			}
		}
	}

	/**
	 * One session in a room.
	 *
	 * @param local whether the session is this node's (else another node's, as the
	 * cluster told)
	 */
	private record Member(String user, String session, String info, int subscriptions, boolean local) {
	}

	/** A room's members and watchers, guarded by its monitor. */
	private final class Room {

		final String name;

		final String destination;

		/** By session, in the order they joined. */
		final LinkedHashMap<String, Member> members = new LinkedHashMap<>();

		final Map<String, Integer> sessionsOfUser = new HashMap<>();

		final List<Subscriber> watchers = new ArrayList<>();

		boolean retired;

		/** A large room changed since its counts were last sent. */
		boolean countsChanged;

		/** Whether watchers are told members (or, for a large room, counts). */
		boolean listed = true;

		Room(String name) {
			this.name = name;
			this.destination = "/presence" + DestinationName.TOPIC_PREFIX + name;
		}

		/**
		 * A session subscribes to the room (another subscription of a member counts; a
		 * remote member's join is its latest state).
		 * @return the member as it now is when that is news to the other nodes (new, or
		 * new info), else {@code null}
		 */
		Member join(String user, String session, String info, boolean local) {
			Member present = this.members.get(session);
			if (present != null) {
				String kept = (info != null) ? info : present.info();
				int subscriptions = local ? present.subscriptions() + 1 : 1;
				Member now = new Member(user, session, kept, subscriptions, local);
				this.members.put(session, now);
				if (info != null && !info.equals(present.info())) {
					changed("update", now);
					return now;
				}
				return null;
			}
			Member member = new Member(user, session, info, 1, local);
			this.members.put(session, member);
			int sessions = this.sessionsOfUser.merge(user, 1, Integer::sum);
			changed((sessions == 1) ? "join" : "session-join", member);
			return member;
		}

		/**
		 * A subscription of a session ends; {@code entirely} for a remote member gone.
		 * @return whether the session left the room
		 */
		boolean leave(String session, boolean entirely) {
			Member present = this.members.get(session);
			if (present == null) {
				return false;
			}
			if (present.subscriptions() > 1 && !entirely) {
				this.members.put(session, new Member(present.user(), session, present.info(),
						present.subscriptions() - 1, present.local()));
				return false;
			}
			this.members.remove(session);
			int left = this.sessionsOfUser.merge(present.user(), -1, Integer::sum);
			if (left == 0) {
				this.sessionsOfUser.remove(present.user());
			}
			changed((left == 0) ? "leave" : "session-leave", present);
			return true;
		}

		/**
		 * Tells watchers of a change as its own event, or, in a room over the bound, in
		 * the counts the next sweep sends.
		 */
		private void changed(String event, Member member) {
			if (this.listed && this.members.size() > Presence.this.maxListed) {
				this.listed = false;
			}
			if (this.listed) {
				tell(event, member(member));
			}
			else {
				this.countsChanged = true;
			}
		}

		Message snapshot() {
			return message(this.listed ? "snapshot" : "counts", snapshotBody());
		}

		byte[] snapshotBody() {
			if (!this.listed) {
				return counts();
			}
			return json((generator) -> {
				generator.writeStartArray();
				for (Member member : this.members.values()) {
					writeMember(generator, member);
				}
				generator.writeEndArray();
			});
		}

		byte[] counts() {
			return json((generator) -> {
				generator.writeStartObject();
				generator.writeNumberProperty("sessions", this.members.size());
				generator.writeNumberProperty("users", this.sessionsOfUser.size());
				generator.writeEndObject();
			});
		}

		byte[] member(Member member) {
			return json((generator) -> writeMember(generator, member));
		}

		void tell(String event, byte[] body) {
			if (this.watchers.isEmpty()) {
				return;
			}
			Message message = message(event, body);
			// a copy: a watcher's session that closes as it is told (its executor shut
			// down) leaves the room on this very thread
			for (Subscriber watcher : List.copyOf(this.watchers)) {
				watcher.deliver(message, false);
			}
		}

		private Message message(String event, byte[] body) {
			Headers headers = Headers.builder()
				.add(EVENT_HEADER, event)
				.add("content-type", "application/json")
				.build();
			return new Message(this.destination, headers, body, "presence-" + Presence.this.ids.incrementAndGet(),
					false);
		}

	}

	private static void writeMember(JsonGenerator generator, Member member) {
		generator.writeStartObject();
		generator.writeStringProperty("user", member.user());
		generator.writeStringProperty("session", member.session());
		if (member.info() != null) {
			generator.writeName("info");
			generator.writeRawValue(member.info());
		}
		generator.writeEndObject();
	}

	private static byte[] json(java.util.function.Consumer<JsonGenerator> writer) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (JsonGenerator generator = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
			writer.accept(generator);
		}
		return out.toByteArray();
	}

}
