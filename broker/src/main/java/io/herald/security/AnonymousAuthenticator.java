package io.herald.security;

/**
 * The embedded default: everyone may connect, and nobody is anyone in particular. Every
 * client is {@link Identity#anonymous() anonymous}, whatever its CONNECT {@code login}
 * says: a login nobody checked proves nothing, so it is ignored (clients such as stompjs
 * that always send one still connect). The session names each anonymous client
 * {@code anonymous-SESSIONID}, which is enough for {@code /user/queue/…} replies. Not for
 * production: {@code config/production.yml} turns it off.
 */
public final class AnonymousAuthenticator implements Authenticator {

	@Override
	public Identity authenticate(Credentials credentials) {
		return Identity.anonymous();
	}

}
