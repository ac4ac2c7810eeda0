package io.herald.security;

/**
 * Permission to act on destinations matching a pattern (same wildcards as routing:
 * {@code *} one segment, {@code #} zero or more, {@code .} separator; {@code {user}}
 * stands for the session's user name).
 *
 * @param action what the grant allows
 * @param pattern the destination pattern, e.g. {@code /topic/prices.*}
 */
public record Grant(Action action, String pattern) {

	public Grant {
		if (action == null || pattern == null || pattern.isBlank()) {
			throw new IllegalArgumentException("a grant needs an action and a pattern, got " + action + " " + pattern);
		}
	}

}
