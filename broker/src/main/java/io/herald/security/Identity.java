package io.herald.security;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who a session acts as, decided at CONNECT (and again at an in-band token refresh).
 *
 * @param name the user name; {@code null} for an anonymous session
 * @param roles the user's roles, e.g. {@code admin}, {@code feed}
 * @param grants destination grants carried by the credentials themselves (e.g. JWT
 * claims), consulted by the {@link DestinationPolicy} besides its configured rules
 * @param expiresAt when the credentials stop being valid; {@code null} for never
 */
public record Identity(String name, Set<String> roles, List<Grant> grants, Instant expiresAt) {

	private static final Identity ANONYMOUS = new Identity(null, Set.of(), List.of(), null);

	public Identity {
		roles = Set.copyOf(roles);
		grants = List.copyOf(grants);
	}

	public static Identity anonymous() {
		return ANONYMOUS;
	}

	/** A named user with roles and nothing else. */
	public static Identity of(String name, Set<String> roles) {
		return new Identity(name, roles, List.of(), null);
	}

	public boolean isAnonymous() {
		return this.name == null;
	}

}
