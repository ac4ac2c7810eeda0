package io.herald.routing;

import io.herald.routing.Destination.Kind;

/**
 * A destination name read by Herald's one destination grammar. Routing parses SEND and
 * SUBSCRIBE destinations with it ({@link Destination#forSend},
 * {@link Destination#forSubscribe}) and security reads access-rule patterns and requested
 * destinations with it, so that a rule sees a destination exactly as routing will route
 * it:
 *
 * <pre>
 * destination = "/topic/" name                  fan-out; a subscription's name may hold wildcards
 *             | "/queue/" name                  point-to-point
 *             | "/user/queue/" name             the session's own user queue (SUBSCRIBE)
 *             *             | "/user/" user "/queue/" name    a user's queue (SEND)
 *             | "/presence/topic/" name         who is in a room (SUBSCRIBE)
 * user        = one or more characters other than "/"
 * name        = segment *( "." segment )        segments may be empty; "/" is ordinary
 * </pre>
 *
 * In a topic subscription a segment that is exactly {@value #ONE_SEGMENT} matches one
 * segment and {@value #ANY_SEGMENTS} zero or more (RabbitMQ's topic exchange); anywhere
 * else these characters are literal.
 *
 * <p>
 * Design: the reader is lenient on purpose. It accepts empty names and either user form
 * whatever the operation, because security must also read patterns ({@code /topic/#},
 * {@code /user/{user}/queue/#}) and refused destinations; {@code Destination} adds the
 * rules of each operation on top. The two user forms overlap for a user named
 * {@code queue} ({@code /user/queue/queue/x}): a SEND reads the addressed form first
 * ({@link #readSent}), everything else the own form first ({@link #read}).
 *
 * @param kind the kind the prefix names
 * @param user the user of the addressed form {@code /user/USER/queue/…}, else
 * {@code null}
 * @param name what follows the kind prefix (for user destinations, what follows
 * {@code /queue/})
 */
public record DestinationName(Kind kind, String user, String name) {

	/** In a topic pattern, the segment that matches exactly one segment. */
	public static final String ONE_SEGMENT = "*";

	/** In a topic pattern, the segment that matches zero or more segments. */
	public static final String ANY_SEGMENTS = "#";

	static final char SEPARATOR = '.';

	static final String TOPIC_PREFIX = "/topic/";

	static final String QUEUE_PREFIX = "/queue/";

	static final String USER_PREFIX = "/user/";

	static final String PRESENCE_PREFIX = "/presence/topic/";

	/**
	 * Reads a destination, the own user form first: how a SUBSCRIBE and a pattern read.
	 * @return the reading, or {@code null} if the destination has no prefix Herald serves
	 */
	public static DestinationName read(String destination) {
		return read(destination, false);
	}

	/**
	 * Reads a destination, the addressed user form first: how a SEND reads.
	 * @return the reading, or {@code null} if the destination has no prefix Herald serves
	 */
	public static DestinationName readSent(String destination) {
		return read(destination, true);
	}

	private static DestinationName read(String destination, boolean addressedFirst) {
		if (destination == null) {
			return null;
		}
		if (destination.startsWith(TOPIC_PREFIX)) {
			return new DestinationName(Kind.TOPIC, null, destination.substring(TOPIC_PREFIX.length()));
		}
		if (destination.startsWith(QUEUE_PREFIX)) {
			return new DestinationName(Kind.QUEUE, null, destination.substring(QUEUE_PREFIX.length()));
		}
		if (destination.startsWith(PRESENCE_PREFIX)) {
			return new DestinationName(Kind.PRESENCE, null, destination.substring(PRESENCE_PREFIX.length()));
		}
		if (!destination.startsWith(USER_PREFIX)) {
			return null;
		}
		DestinationName own = destination.startsWith(QUEUE_PREFIX, USER_PREFIX.length() - 1) ? new DestinationName(
				Kind.USER, null, destination.substring(USER_PREFIX.length() - 1 + QUEUE_PREFIX.length())) : null;
		if (own != null && !addressedFirst) {
			return own;
		}
		int slash = destination.indexOf('/', USER_PREFIX.length());
		if (slash > USER_PREFIX.length() && destination.startsWith(QUEUE_PREFIX, slash)) {
			return new DestinationName(Kind.USER, destination.substring(USER_PREFIX.length(), slash),
					destination.substring(slash + QUEUE_PREFIX.length()));
		}
		return own;
	}

	/** The name split at {@code .}, empty segments kept. */
	public String[] segments() {
		return split(this.name);
	}

	/** Whether a segment is one of the two wildcards. */
	public static boolean isWildcard(String segment) {
		return segment.equals(ONE_SEGMENT) || segment.equals(ANY_SEGMENTS);
	}

	/**
	 * Whether a topic name holds a wildcard segment, and so can only be subscribed to.
	 */
	public static boolean hasWildcard(String name) {
		int start = 0;
		int length = name.length();
		while (start <= length) {
			int end = name.indexOf(SEPARATOR, start);
			if (end < 0) {
				end = length;
			}
			if (end - start == 1 && (name.charAt(start) == '*' || name.charAt(start) == '#')) {
				return true;
			}
			start = end + 1;
		}
		return false;
	}

	/** Splits a name at {@code .}; {@code "a..b."} has the four segments a, "", b, "". */
	static String[] split(String name) {
		int count = 1;
		for (int i = 0; i < name.length(); i++) {
			if (name.charAt(i) == SEPARATOR) {
				count++;
			}
		}
		if (count == 1) {
			return new String[] { name };
		}
		String[] segments = new String[count];
		int start = 0;
		for (int i = 0; i < count; i++) {
			int end = name.indexOf(SEPARATOR, start);
			if (end < 0) {
				end = name.length();
			}
			segments[i] = name.substring(start, end);
			start = end + 1;
		}
		return segments;
	}

}
