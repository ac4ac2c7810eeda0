package io.herald.security;

import io.herald.routing.DestinationPattern;
import java.util.List;

/**
 * Ordered access rules, then the identity's own grants, then deny. The first rule that
 * applies to a request decides it (see {@link AccessRule#appliesTo}); a request no rule
 * speaks about is allowed only by a matching {@link Grant} the credentials carry (e.g.
 * from a JWT claim).
 */
public final class RuleBasedDestinationPolicy implements DestinationPolicy {

	private final List<AccessRule> rules;

	public RuleBasedDestinationPolicy(List<AccessRule> rules) {
		this.rules = List.copyOf(rules);
	}

	@Override
	public boolean allows(Identity identity, Action action, String destination) {
		if (destination == null) {
			return false;
		}
		// read once, the way routing will read it for this action, then asked of every
		// rule
		String[] segments = DestinationPattern.segments(destination, action == Action.SEND);
		for (AccessRule rule : this.rules) {
			if (rule.appliesTo(identity, action, segments)) {
				return rule.allow();
			}
		}
		for (Grant grant : identity.grants()) {
			if (grant.action() == action && grant.destination().covers(segments, identity.authenticatedName())) {
				return true;
			}
		}
		return false;
	}

}
