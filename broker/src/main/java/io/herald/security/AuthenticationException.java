package io.herald.security;

/**
 * A refused login. The message goes to the client, so it must not say which part of the
 * credentials was wrong.
 */
public final class AuthenticationException extends Exception {

	private static final long serialVersionUID = 1L;

	public AuthenticationException(String message) {
		super(message);
	}

}
