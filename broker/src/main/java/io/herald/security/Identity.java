package io.herald.security;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who a session acts as, decided at CONNECT (and again at an in-band token refresh).
 * <p>
 * An authenticator answers {@link #anonymous()} for a client that proved nothing; the
 * session then names it itself with {@link #anonymous(String)}, {@code anonymous-} and
 * its session id, so that every anonymous session has an address of its own
 * ({@code /user/queue/…}, {@code x-herald-user}) that no other client can claim. Names
 * with that prefix are reserved: an authenticator never hands one to a user.
 *
 * @param name the user name; for an anonymous session the name the broker assigned, or
 * {@code null} before it has one
 * @param authenticated whether credentials proved the name, rather than the broker
 * assigning it
 * @param roles the user's roles, e.g. {@code admin}, {@code feed}
 * @param grants destination grants carried by the credentials themselves (e.g. JWT
 * claims), consulted by the {@link DestinationPolicy} besides its configured rules
 * @param expiresAt when the credentials stop being valid; {@code null} for never
 */
public record Identity(String name, boolean authenticated, Set<String> roles, List<Grant> grants, Instant expiresAt) {

	/** How every broker-assigned anonymous name starts. */
	public static final String ANONYMOUS_PREFIX = "anonymous-";

	private static final Identity ANONYMOUS = new Identity(null, false, Set.of(), List.of(), null);

	public Identity {
		roles = Set.copyOf(roles);
		grants = List.copyOf(grants);
		if (authenticated && (name == null || name.isBlank())) {
			throw new IllegalArgumentException("an authenticated identity needs a name");
		}
	}

	/** An authenticated user, proven by the credentials. */
	public Identity(String name, Set<String> roles, List<Grant> grants, Instant expiresAt) {
		this(name, true, roles, grants, expiresAt);
	}

	/** A client that proved nothing, not yet named by its session. */
	public static Identity anonymous() {
		return ANONYMOUS;
	}

	/**
	 * The anonymous session with the given id: named {@code anonymous-ID}, no roles, no
	 * grants.
	 */
	public static Identity anonymous(String sessionId) {
		return new Identity(ANONYMOUS_PREFIX + sessionId, false, Set.of(), List.of(), null);
	}

	/** A named user with roles and nothing else. */
	public static Identity of(String name, Set<String> roles) {
		return new Identity(name, roles, List.of(), null);
	}

	/** Whether a user name is one the broker assigns to anonymous sessions. */
	public static boolean isReserved(String name) {
		return name != null && name.startsWith(ANONYMOUS_PREFIX);
	}

	public boolean isAnonymous() {
		return !this.authenticated;
	}

	/**
	 * The name as proven by credentials: the user's name, or {@code null} for an
	 * anonymous session (so {@code {user}} in an access rule and {@code user:NAME} never
	 * match a name the broker assigned).
	 */
	public String authenticatedName() {
		return this.authenticated ? this.name : null;
	}

}
