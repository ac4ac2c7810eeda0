package io.herald.security;

import io.herald.routing.DestinationPattern;

/**
 * Permission to act on destinations matching a pattern, carried by the credentials
 * themselves (e.g. a JWT claim).
 *
 * @param action what the grant allows
 * @param destination the destinations it allows it on, e.g. {@code /topic/prices.*}
 */
public record Grant(Action action, DestinationPattern destination) {

	public Grant {
		if (action == null || destination == null) {
			throw new IllegalArgumentException("a grant needs an action and a destination pattern");
		}
	}

}
