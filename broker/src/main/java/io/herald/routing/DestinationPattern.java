package io.herald.routing;

import java.util.Arrays;

/**
 * A destination pattern of an access rule, a grant or a topic rule, read with routing's
 * own grammar ({@link DestinationName}), so a rule sees a destination as routing will
 * route it: a kind prefix ({@code /topic/}, {@code /queue/}, {@code /user/queue/},
 * {@code /user/NAME/queue/}) and a name whose segments are separated by {@code .}, where
 * {@code *} matches exactly one segment and {@code #} zero or more. {@code {user}} stands
 * for the session's own user name, in the user slot of {@code /user/{user}/queue/…} or
 * inside a segment ({@code /topic/chat.{user}}); {@code *} in the user slot matches any
 * user. The pattern {@code /#} matches every destination.
 * <p>
 * A SUBSCRIBE may itself carry a wildcard destination ({@code /topic/prices.*}), which
 * stands for every destination it would receive. Two questions are asked of it:
 * {@link #covers} — does the pattern include all of them (what an allowing rule needs) —
 * and {@link #overlaps} — does it include any of them (enough for a denying rule to
 * apply).
 */
public final class DestinationPattern {

	static final String USER = "{user}";

	private static final String ANY = "/#";

	private static final String[] TOPIC = { "topic" };

	private static final String[] QUEUE = { "queue" };

	private static final String[] OWN_USER_QUEUE = { "user-queue" };

	private final String pattern;

	private final String[] segments;

	private DestinationPattern(String pattern, String[] segments) {
		this.pattern = pattern;
		this.segments = segments;
	}

	/**
	 * @throws IllegalArgumentException if the pattern does not start with {@code /} or
	 * mixes a wildcard into a segment ({@code pri*})
	 */
	public static DestinationPattern compile(String pattern) {
		if (pattern == null || pattern.isBlank() || !pattern.startsWith("/")) {
			throw new IllegalArgumentException("a destination pattern must start with '/', was '" + pattern + "'");
		}
		String[] segments = ANY.equals(pattern) ? new String[] { DestinationName.ANY_SEGMENTS } : segments(pattern);
		for (String segment : segments) {
			if (!DestinationName.isWildcard(segment) && (segment.indexOf('*') >= 0 || segment.indexOf('#') >= 0)) {
				throw new IllegalArgumentException(
						"'*' and '#' must be whole segments in destination pattern '" + pattern + "'");
			}
		}
		return new DestinationPattern(pattern, segments);
	}

	/**
	 * The segments of a destination as routing reads it ({@link DestinationName}): the
	 * kind (and user) first, then the name split at dots. A destination routing does not
	 * serve is one literal segment, which only {@code /#} matches.
	 */
	public static String[] segments(String destination) {
		return segments(destination, DestinationName.read(destination));
	}

	/**
	 * The segments of a destination as a SEND ({@code sent}) or a SUBSCRIBE reads it: a
	 * SEND reads the addressed user form first, as {@link Destination#forSend} does. Read
	 * once, then matched against many patterns with {@link #covers(String[], String)}.
	 */
	public static String[] segments(String destination, boolean sent) {
		return segments(destination, sent ? DestinationName.readSent(destination) : DestinationName.read(destination));
	}

	private static String[] segments(String destination, DestinationName read) {
		if (read == null) {
			return new String[] { "literal:" + destination };
		}
		String[] name = read.segments();
		String[] kind = switch (read.kind()) {
			case TOPIC, PRESENCE -> TOPIC;
			case QUEUE -> QUEUE;
			case USER -> (read.user() != null) ? new String[] { "user", read.user(), "queue" } : OWN_USER_QUEUE;
		};
		String[] segments = Arrays.copyOf(kind, kind.length + name.length);
		System.arraycopy(name, 0, segments, kind.length, name.length);
		return segments;
	}

	/**
	 * Whether every destination the given one stands for matches this pattern: for a
	 * concrete destination, simply whether it matches.
	 * @param destination the destination of a SEND or SUBSCRIBE
	 * @param user the session's user name, or {@code null} when anonymous (then
	 * {@code {user}} matches nothing)
	 */
	public boolean covers(String destination, String user) {
		return (destination != null) && covers(segments(destination), user);
	}

	/** Whether some destination the given one stands for matches this pattern. */
	public boolean overlaps(String destination, String user) {
		return (destination != null) && overlaps(segments(destination), user);
	}

	/**
	 * {@link #covers(String, String)} of a destination read once with {@link #segments}.
	 */
	public boolean covers(String[] destination, String user) {
		return walk(this.segments, 0, destination, 0, user, false, new byte[this.segments.length + 1][]);
	}

	/**
	 * {@link #overlaps(String, String)} of a destination read once with
	 * {@link #segments}.
	 */
	public boolean overlaps(String[] destination, String user) {
		return walk(this.segments, 0, destination, 0, user, true, new byte[this.segments.length + 1][]);
	}

	/**
	 * Matches pattern segments from {@code p} against destination segments from
	 * {@code d}. When {@code overlap} is set, the destination's wildcards may also stand
	 * for anything the pattern asks; otherwise the pattern must absorb them. Memoised, so
	 * chains of {@code #} stay linear in the product of the lengths.
	 */
	private static boolean walk(String[] pattern, int p, String[] destination, int d, String user, boolean overlap,
			byte[][] memo) {
		if (memo[p] == null) {
			memo[p] = new byte[destination.length + 1];
		}
		if (memo[p][d] != 0) {
			return memo[p][d] > 0;
		}
		boolean result = step(pattern, p, destination, d, user, overlap, memo);
		memo[p][d] = (byte) (result ? 1 : -1);
		return result;
	}

	private static boolean step(String[] pattern, int p, String[] destination, int d, String user, boolean overlap,
			byte[][] memo) {
		boolean patternDone = p == pattern.length;
		boolean destinationDone = d == destination.length;
		if (patternDone && destinationDone) {
			return true;
		}
		if (!patternDone && pattern[p].equals(DestinationName.ANY_SEGMENTS)) {
			// zero segments, or absorb one more of the destination's
			return walk(pattern, p + 1, destination, d, user, overlap, memo)
					|| (!destinationDone && walk(pattern, p, destination, d + 1, user, overlap, memo));
		}
		if (overlap && !destinationDone && destination[d].equals(DestinationName.ANY_SEGMENTS)) {
			return walk(pattern, p, destination, d + 1, user, overlap, memo)
					|| (!patternDone && walk(pattern, p + 1, destination, d, user, overlap, memo));
		}
		if (patternDone || destinationDone) {
			return false;
		}
		return segmentMatches(pattern[p], destination[d], user, overlap)
				&& walk(pattern, p + 1, destination, d + 1, user, overlap, memo);
	}

	private static boolean segmentMatches(String pattern, String segment, String user, boolean overlap) {
		if (segment.equals(DestinationName.ANY_SEGMENTS)) {
			return false;
		}
		if (pattern.equals(DestinationName.ONE_SEGMENT)) {
			return true;
		}
		if (segment.equals(DestinationName.ONE_SEGMENT)) {
			return overlap;
		}
		if (pattern.contains(USER)) {
			return user != null && isPlainName(user) && segment.equals(pattern.replace(USER, user));
		}
		return pattern.equals(segment);
	}

	/** A user name that can stand for literal text inside one segment. */
	static boolean isPlainName(String name) {
		return !name.isEmpty() && name.chars().noneMatch((c) -> c == '/' || c == '.' || c == '*' || c == '#');
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof DestinationPattern that) && this.pattern.equals(that.pattern);
	}

	@Override
	public int hashCode() {
		return this.pattern.hashCode();
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}
