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
 */
public record Destination(Kind kind, String name, String user) {

	/** The kinds of destination. */
	public enum Kind {

		TOPIC, QUEUE, USER

	}

	static final String TOPIC_PREFIX = "/topic/";

	static final String QUEUE_PREFIX = "/queue/";

	static final String USER_PREFIX = "/user/";

	/** Parses a SUBSCRIBE destination; topic names may hold wildcards. */
	public static Destination forSubscribe(String destination) throws DestinationException {
		if (destination.startsWith(USER_PREFIX)) {
			String rest = destination.substring(USER_PREFIX.length() - 1);
			if (!rest.startsWith(QUEUE_PREFIX) || rest.length() == QUEUE_PREFIX.length()) {
				throw new DestinationException(
						"destination '" + destination + "' is not a user destination of the form /user/queue/NAME");
			}
			return new Destination(Kind.USER, rest, null);
		}
		return parseShared(destination);
	}

	/** Parses a SEND destination; no wildcards, user destinations name their user. */
	public static Destination forSend(String destination) throws DestinationException {
		if (destination.startsWith(USER_PREFIX)) {
			int slash = destination.indexOf('/', USER_PREFIX.length());
			String rest = (slash > 0) ? destination.substring(slash) : "";
			if (slash <= USER_PREFIX.length() || !rest.startsWith(QUEUE_PREFIX)
					|| rest.length() == QUEUE_PREFIX.length()) {
				throw new DestinationException("destination '" + destination
						+ "' is not a user destination of the form /user/USER/queue/NAME");
			}
			return new Destination(Kind.USER, rest, destination.substring(USER_PREFIX.length(), slash));
		}
		Destination parsed = parseShared(destination);
		if (parsed.kind == Kind.TOPIC && TopicTree.isPattern(parsed.name)) {
			throw new DestinationException(
					"destination '" + destination + "' holds a wildcard; wildcards are for SUBSCRIBE only");
		}
		return parsed;
	}

	private static Destination parseShared(String destination) throws DestinationException {
		if (destination.startsWith(TOPIC_PREFIX) && destination.length() > TOPIC_PREFIX.length()) {
			return new Destination(Kind.TOPIC, destination.substring(TOPIC_PREFIX.length()), null);
		}
		if (destination.startsWith(QUEUE_PREFIX) && destination.length() > QUEUE_PREFIX.length()) {
			return new Destination(Kind.QUEUE, destination.substring(QUEUE_PREFIX.length()), null);
		}
		throw new DestinationException(
				"destination '" + destination + "' is not served; use /topic/NAME, /queue/NAME or /user/queue/NAME");
	}

}
