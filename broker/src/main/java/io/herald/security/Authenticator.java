package io.herald.security;

/**
 * Decides at CONNECT who a client is. The session core consults it through this interface
 * only; implementations must not block for long (they run on a transport thread).
 */
public interface Authenticator {

	/**
	 * @return the identity the session acts as; {@link Identity#anonymous()} when
	 * anonymous access is allowed and no credentials were given
	 * @throws AuthenticationException if the client may not connect
	 */
	Identity authenticate(Credentials credentials) throws AuthenticationException;

	/**
	 * Validates a token sent in band to {@code /herald/token} by a connected session.
	 * @return the refreshed identity; the session keeps it only if it names the same user
	 * @throws AuthenticationException if the token is not valid
	 */
	default Identity refresh(Identity current, String token) throws AuthenticationException {
		throw new AuthenticationException("token refresh is not enabled on this broker");
	}

}
