package io.herald.security;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A destination pattern of an access rule or grant, with the wildcards of routing:
 * segments are separated by {@code /} or {@code .}, {@code *} matches exactly one
 * segment, {@code #} zero or more, and a {@code {user}} segment matches only the
 * session's own user name.
 * <p>
 * A SUBSCRIBE may itself carry a wildcard destination ({@code /topic/prices.*}). Such a
 * destination matches only if the pattern covers everything it could receive: a {@code *}
 * segment of the destination is covered by {@code *} or {@code #}, a {@code #} segment
 * only by {@code #}. A literal segment never covers a wildcard.
 */
public final class DestinationPattern {

	static final String USER = "{user}";

	private static final Pattern SEPARATORS = Pattern.compile("[/.]");

	private final String pattern;

	private final String[] segments;

	private DestinationPattern(String pattern) {
		this.pattern = pattern;
		this.segments = SEPARATORS.split(pattern, -1);
	}

	/**
	 * @throws IllegalArgumentException if the pattern is blank or mixes a wildcard into a
	 * segment ({@code pri*})
	 */
	public static DestinationPattern compile(String pattern) {
		if (pattern == null || pattern.isBlank() || !pattern.startsWith("/")) {
			throw new IllegalArgumentException("a destination pattern must start with '/', was '" + pattern + "'");
		}
		DestinationPattern compiled = new DestinationPattern(pattern);
		for (String segment : compiled.segments) {
			boolean wildcard = segment.equals("*") || segment.equals("#");
			if (!wildcard && (segment.indexOf('*') >= 0 || segment.indexOf('#') >= 0)) {
				throw new IllegalArgumentException(
						"'*' and '#' must be whole segments in destination pattern '" + pattern + "'");
			}
		}
		return compiled;
	}

	/**
	 * @param destination the destination of a SEND or SUBSCRIBE
	 * @param user the session's user name, or {@code null} when anonymous (then a
	 * {@code {user}} segment matches nothing)
	 */
	public boolean matches(String destination, String user) {
		if (destination == null) {
			return false;
		}
		return matches(this.segments, 0, SEPARATORS.split(destination, -1), 0, user);
	}

	private static boolean matches(String[] pattern, int p, String[] destination, int d, String user) {
		while (p < pattern.length) {
			String segment = pattern[p];
			if (segment.equals("#")) {
				// zero or more segments: try every split, the remaining pattern decides
				for (int skip = d; skip <= destination.length; skip++) {
					if (matches(pattern, p + 1, destination, skip, user)) {
						return true;
					}
				}
				return false;
			}
			if (d >= destination.length || !covers(segment, destination[d], user)) {
				return false;
			}
			p++;
			d++;
		}
		return d == destination.length;
	}

	private static boolean covers(String pattern, String segment, String user) {
		if (segment.equals("#")) {
			return false;
		}
		if (pattern.equals("*")) {
			return true;
		}
		if (pattern.equals(USER)) {
			return user != null && isPlainName(user) && segment.equals(user);
		}
		return pattern.equals(segment);
	}

	/** A user name that can stand for one literal segment. */
	static boolean isPlainName(String name) {
		return !name.isEmpty() && name.chars().noneMatch((c) -> c == '/' || c == '.' || c == '*' || c == '#');
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof DestinationPattern that) && Arrays.equals(this.segments, that.segments);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.segments);
	}

	@Override
	public String toString() {
		return this.pattern;
	}

}
