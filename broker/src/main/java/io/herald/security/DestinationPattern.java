package io.herald.security;

import java.util.ArrayList;
import java.util.List;

/**
 * A destination pattern of an access rule or grant, read the way routing reads
 * destinations: a kind prefix ({@code /topic/}, {@code /queue/}, {@code /user/queue/},
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
		String[] segments = ANY.equals(pattern) ? new String[] { "#" } : segments(pattern);
		for (String segment : segments) {
			boolean wildcard = segment.equals("*") || segment.equals("#");
			if (!wildcard && (segment.indexOf('*') >= 0 || segment.indexOf('#') >= 0)) {
				throw new IllegalArgumentException(
						"'*' and '#' must be whole segments in destination pattern '" + pattern + "'");
			}
		}
		return new DestinationPattern(pattern, segments);
	}

	/**
	 * The segments of a destination as routing sees them: the kind (and user) first, then
	 * the name split at dots. Anything else is one literal segment.
	 */
	static String[] segments(String destination) {
		List<String> segments = new ArrayList<>();
		String name;
		if (destination.startsWith("/topic/") || destination.startsWith("/queue/")) {
			segments.add(destination.substring(1, 6));
			name = destination.substring(7);
		}
		else if (destination.startsWith("/user/queue/")) {
			segments.add("user-queue");
			name = destination.substring(12);
		}
		else if (destination.startsWith("/user/") && destination.indexOf("/queue/", 6) > 6) {
			int slash = destination.indexOf("/queue/", 6);
			segments.add("user");
			segments.add(destination.substring(6, slash));
			segments.add("queue");
			name = destination.substring(slash + 7);
		}
		else {
			return new String[] { "literal:" + destination };
		}
		for (String segment : name.split("\\.", -1)) {
			segments.add(segment);
		}
		return segments.toArray(new String[0]);
	}

	/**
	 * Whether every destination the given one stands for matches this pattern: for a
	 * concrete destination, simply whether it matches.
	 * @param destination the destination of a SEND or SUBSCRIBE
	 * @param user the session's user name, or {@code null} when anonymous (then
	 * {@code {user}} matches nothing)
	 */
	public boolean covers(String destination, String user) {
		if (destination == null) {
			return false;
		}
		return walk(this.segments, 0, segments(destination), 0, user, false, new byte[this.segments.length + 1][]);
	}

	/** Whether some destination the given one stands for matches this pattern. */
	public boolean overlaps(String destination, String user) {
		if (destination == null) {
			return false;
		}
		return walk(this.segments, 0, segments(destination), 0, user, true, new byte[this.segments.length + 1][]);
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
		if (!patternDone && pattern[p].equals("#")) {
			// zero segments, or absorb one more of the destination's
			return walk(pattern, p + 1, destination, d, user, overlap, memo)
					|| (!destinationDone && walk(pattern, p, destination, d + 1, user, overlap, memo));
		}
		if (overlap && !destinationDone && destination[d].equals("#")) {
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
		if (segment.equals("#")) {
			return false;
		}
		if (pattern.equals("*")) {
			return true;
		}
		if (segment.equals("*")) {
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
