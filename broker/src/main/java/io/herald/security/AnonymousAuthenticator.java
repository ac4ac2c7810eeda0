package io.herald.security;

/**
 * The embedded default: everyone may connect, and the {@code login} header, when given,
 * names the user (so that {@code /user/…} destinations work without an identity
 * provider). Not for production.
 */
public final class AnonymousAuthenticator implements Authenticator {

	@Override
	public String authenticate(String login, String passcode, String remoteAddress) {
		return (login != null && !login.isBlank()) ? login : null;
	}

}
