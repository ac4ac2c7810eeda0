package io.herald.security;

/**
 * Decides at CONNECT who a client is. Consulted by the session core through this
 * interface only.
 */
@FunctionalInterface
public interface Authenticator {

	/**
	 * @param login the CONNECT {@code login} header, or {@code null}
	 * @param passcode the CONNECT {@code passcode} header, or {@code null}
	 * @param remoteAddress the client's address, for logging and throttling
	 * @return the user name the session acts as; {@code null} for an anonymous session
	 * @throws AuthenticationException if the client may not connect
	 */
	String authenticate(String login, String passcode, String remoteAddress) throws AuthenticationException;

}
