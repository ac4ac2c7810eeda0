package io.herald.security;

import io.herald.routing.DestinationPattern;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One ordered access rule: who may (or may not) do what with which destinations.
 *
 * @param who whom the rule is about
 * @param actions the actions it covers
 * @param destinations the destination patterns it covers
 * @param allow whether a match allows or denies
 */
public record AccessRule(Who who, Set<Action> actions, List<DestinationPattern> destinations, boolean allow) {

	public AccessRule {
		actions = Set.copyOf(actions);
		destinations = List.copyOf(destinations);
		if (who == null || actions.isEmpty() || destinations.isEmpty()) {
			throw new IllegalArgumentException("a rule needs who, at least one action and one destination");
		}
	}

	/**
	 * Whether this rule speaks about the given request. An allowing rule must cover the
	 * whole destination (all a wildcard subscription could receive); a denying rule
	 * applies as soon as it overlaps any part of it, so {@code /topic/#} cannot slip past
	 * a denied {@code /topic/secret.#}.
	 */
	public boolean appliesTo(Identity identity, Action action, String destination) {
		return (destination != null)
				&& appliesTo(identity, action, DestinationPattern.segments(destination, action == Action.SEND));
	}

	/**
	 * {@link #appliesTo(Identity, Action, String)} of a destination read once per
	 * request.
	 */
	boolean appliesTo(Identity identity, Action action, String[] destination) {
		if (!this.actions.contains(action) || !this.who.includes(identity)) {
			return false;
		}
		for (DestinationPattern pattern : this.destinations) {
			if (this.allow ? pattern.covers(destination, identity.authenticatedName())
					: pattern.overlaps(destination, identity.authenticatedName())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whom a rule is about: {@code everyone}, {@code anonymous}, {@code authenticated},
	 * {@code user:NAME} or {@code role:NAME}.
	 *
	 * @param kind the kind of subject
	 * @param name the user or role name, for those kinds
	 */
	public record Who(Kind kind, String name) {

		public enum Kind {

			EVERYONE, ANONYMOUS, AUTHENTICATED, USER, ROLE

		}

		/**
		 * @throws IllegalArgumentException naming the accepted forms
		 */
		public static Who parse(String text) {
			String value = (text != null) ? text.trim() : "";
			int colon = value.indexOf(':');
			if (colon > 0) {
				String kind = value.substring(0, colon).toLowerCase(Locale.ROOT);
				String name = value.substring(colon + 1).trim();
				if (!name.isEmpty() && kind.equals("user")) {
					return new Who(Kind.USER, name);
				}
				if (!name.isEmpty() && kind.equals("role")) {
					return new Who(Kind.ROLE, name);
				}
			}
			return switch (value.toLowerCase(Locale.ROOT)) {
				case "everyone", "*" -> new Who(Kind.EVERYONE, null);
				case "anonymous" -> new Who(Kind.ANONYMOUS, null);
				case "authenticated" -> new Who(Kind.AUTHENTICATED, null);
				default -> throw new IllegalArgumentException(
						"'" + text + "' is not one of everyone, anonymous, authenticated, user:NAME, role:NAME");
			};
		}

		boolean includes(Identity identity) {
			return switch (this.kind) {
				case EVERYONE -> true;
				case ANONYMOUS -> identity.isAnonymous();
				case AUTHENTICATED -> !identity.isAnonymous();
				case USER -> this.name.equals(identity.authenticatedName());
				case ROLE -> identity.roles().contains(this.name);
			};
		}

	}

}
