package io.herald.security;

import java.util.Set;

/**
 * The embedded default: everyone may connect, and the {@code login} header, when given,
 * names the user (so that {@code /user/…} destinations work without an identity
 * provider). Not for production: {@code config/production.yml} turns it off.
 */
public final class AnonymousAuthenticator implements Authenticator {

	@Override
	public Identity authenticate(Credentials credentials) {
		String login = credentials.login();
		return (login != null && !login.isBlank()) ? Identity.of(login, Set.of()) : Identity.anonymous();
	}

}
