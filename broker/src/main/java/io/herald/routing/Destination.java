package io.herald.routing;

/**
 * A parsed destination name. Herald serves three kinds:
 * <ul>
 * <li>{@code /topic/NAME}: fan-out to every matching subscription; subscriptions may use
 * the wildcards {@code *} and {@code #} between {@code .} separators;</li>
 * <li>{@code /queue/NAME}: point-to-point with competing consumers;</li>
 * <li>{@code /user/queue/NAME} to subscribe, {@code /user/USER/queue/NAME} to send:
 * fan-out to every session of one user.</li>
 * </ul>
 *
 * @param kind which of the three kinds
 * @param name the topic name, queue name, or for user destinations the part after the
 * user ({@code /queue/NAME})
 * @param user for a user destination being sent to, the addressed user; else {@code null}
 * @see DestinationName the grammar both parsers read with
 */
public record Destination(Kind kind, String name, String user) {

	/** The kinds of destination. */
	public enum Kind {

		TOPIC, QUEUE, USER,
		/** {@code /presence/topic/NAME}: who is in the room NAME (SUBSCRIBE only). */
		PRESENCE

	}

	static final String QUEUE_PREFIX = DestinationName.QUEUE_PREFIX;

	/** Parses a SUBSCRIBE destination; topic names may hold wildcards. */
	public static Destination forSubscribe(String destination) throws DestinationException {
		DestinationName read = DestinationName.read(destination);
		if (read != null && read.kind() == Kind.PRESENCE) {
			if (read.name().isEmpty() || DestinationName.hasWildcard(read.name())) {
				throw new DestinationException("destination '" + destination
						+ "' is not a presence destination of the form /presence/topic/NAME, without wildcards");
			}
			return new Destination(Kind.PRESENCE, read.name(), null);
		}
		if (destination.startsWith(DestinationName.USER_PREFIX)) {
			if (read == null || read.user() != null || read.name().isEmpty()) {
				throw new DestinationException(
						"destination '" + destination + "' is not a user destination of the form /user/queue/NAME");
			}
			return new Destination(Kind.USER, QUEUE_PREFIX + read.name(), null);
		}
		return shared(destination, read);
	}

	/** Parses a SEND destination; no wildcards, user destinations name their user. */
	public static Destination forSend(String destination) throws DestinationException {
		DestinationName read = DestinationName.readSent(destination);
		if (read != null && read.kind() == Kind.PRESENCE) {
			throw new DestinationException("destination '" + destination + "' is for SUBSCRIBE only");
		}
		if (destination.startsWith(DestinationName.USER_PREFIX)) {
			if (read == null || read.user() == null || read.name().isEmpty()) {
				throw new DestinationException("destination '" + destination
						+ "' is not a user destination of the form /user/USER/queue/NAME");
			}
			return new Destination(Kind.USER, QUEUE_PREFIX + read.name(), read.user());
		}
		Destination parsed = shared(destination, read);
		if (parsed.kind == Kind.TOPIC && DestinationName.hasWildcard(parsed.name)) {
			throw new DestinationException(
					"destination '" + destination + "' holds a wildcard; wildcards are for SUBSCRIBE only");
		}
		return parsed;
	}

	/**
	 * Topics and queues read the same for both operations; the name must not be empty.
	 */
	private static Destination shared(String destination, DestinationName read) throws DestinationException {
		if (read == null || read.name().isEmpty()) {
			throw new DestinationException("destination '" + destination
					+ "' is not served; use /topic/NAME, /queue/NAME or /user/queue/NAME");
		}
		return new Destination(read.kind(), read.name(), null);
	}

	/**
	 * The destination access rules judge a SUBSCRIBE by: for a presence destination its
	 * room's topic (watching who is in a room takes what joining it takes), else the
	 * destination as written.
	 */
	public static String guardedName(Destination destination, String requested) {
		return (destination.kind == Kind.PRESENCE) ? DestinationName.TOPIC_PREFIX + destination.name : requested;
	}

	/**
	 * The destination as a client writes it: {@code /topic/NAME}, {@code /queue/NAME},
	 * {@code /user/USER/queue/NAME} (or {@code /user/queue/NAME} without a user).
	 */
	public String clientName() {
		return switch (this.kind) {
			case TOPIC -> DestinationName.TOPIC_PREFIX + this.name;
			case QUEUE -> QUEUE_PREFIX + this.name;
			case PRESENCE -> DestinationName.PRESENCE_PREFIX + this.name;
			case USER ->
				(this.user != null) ? DestinationName.USER_PREFIX + this.user + this.name : "/user" + this.name;
		};
	}

}
