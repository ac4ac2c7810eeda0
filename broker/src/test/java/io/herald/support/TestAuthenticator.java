package io.herald.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.herald.security.AuthenticationException;
import io.herald.security.Authenticator;
import io.herald.security.Credentials;
import io.herald.security.Identity;

/**
 * An authenticator for tests: a login is valid when its passcode is {@code secret}; a
 * bearer token (CONNECT {@code Authorization}, handshake, or in-band refresh) is
 * {@code NAME:SECONDS}, naming the user and how long from now it stays valid. Logins
 * never expire.
 */
public final class TestAuthenticator implements Authenticator {

	private final Clock clock;

	public TestAuthenticator(Clock clock) {
		this.clock = clock;
	}

	/** A token for the user valid for the given time from now. */
	public static String token(String user, Duration validity) {
		return user + ":" + validity.toSeconds();
	}

	@Override
	public Identity authenticate(Credentials credentials) throws AuthenticationException {
		String token = credentials.bearerToken();
		if (token != null) {
			return fromToken(token);
		}
		if (credentials.login() == null) {
			return Identity.anonymous();
		}
		if (!"secret".equals(credentials.passcode())) {
			throw new AuthenticationException("wrong passcode for " + credentials.login());
		}
		return Identity.of(credentials.login(), Set.of("user"));
	}

	@Override
	public Identity refresh(Identity current, String token) throws AuthenticationException {
		return fromToken(token);
	}

	private Identity fromToken(String token) throws AuthenticationException {
		int colon = token.indexOf(':');
		if (colon <= 0) {
			throw new AuthenticationException("malformed token");
		}
		long seconds;
		try {
			seconds = Long.parseLong(token.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new AuthenticationException("malformed token");
		}
		Instant expiresAt = this.clock.instant().plusSeconds(seconds);
		if (seconds <= 0) {
			throw new AuthenticationException("token expired");
		}
		return new Identity(token.substring(0, colon), Set.of("user"), List.of(), expiresAt);
	}

}
