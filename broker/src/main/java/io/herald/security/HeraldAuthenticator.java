package io.herald.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The configured way in, combining up to three modes:
 * <ul>
 * <li><b>JWT</b>: a bearer token in the CONNECT {@code Authorization} header, the
 * handshake's {@code access_token} query parameter, or the {@code passcode} header;</li>
 * <li><b>static users</b>: {@code login} and {@code passcode} checked against a password
 * hash;</li>
 * <li><b>anonymous</b>: a client that presents no credentials at all. When it is the only
 * mode (the embedded default) the {@code login} and {@code passcode} headers are ignored,
 * since nothing could check them: a client cannot name itself, or it could claim another
 * client's {@code /user/…} queue. The session names every anonymous client
 * {@code anonymous-SESSIONID} ({@link Identity#anonymous(String)}).</li>
 * </ul>
 * Credentials that are presented but do not verify always fail: a bad password never
 * falls back to anonymous. Every failure has the same message.
 */
public final class HeraldAuthenticator implements Authenticator {

	private static final String FAILED = "authentication failed";

	private static final String DIGEST = "HmacSHA256";

	private static final Authenticator OPEN = new AnonymousAuthenticator();

	private final boolean anonymous;

	private final Map<String, StaticUser> users;

	private final PasswordEncoder passwords;

	private final JwtAuthenticator jwt;

	/** A hash to check unknown user names against, so that they take as long. */
	private final String decoyHash;

	/**
	 * Per static user, a keyed digest of the last passcode its hash accepted: the same
	 * passcode again is accepted without a bcrypt check, which costs milliseconds of a
	 * transport thread (a Spring relay connects every browser with the app's login).
	 * Anything else still goes through the hash, as slowly as ever. Bounded by the users.
	 */
	private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

	/** The key of those digests, new at every start and never shown. */
	private final SecretKeySpec verifiedKey;

	/**
	 * @param anonymous whether clients without credentials may connect
	 * @param users the static users
	 * @param passwords checks passcodes against the users' hashes
	 * @param jwt the token check, or {@code null} when JWT is not configured
	 */
	public HeraldAuthenticator(boolean anonymous, List<StaticUser> users, PasswordEncoder passwords,
			JwtAuthenticator jwt) {
		for (StaticUser user : users) {
			if (Identity.isReserved(user.name())) {
				throw new IllegalArgumentException("static user '" + user.name() + "' must not start with '"
						+ Identity.ANONYMOUS_PREFIX + "', the names of anonymous sessions");
			}
		}
		this.anonymous = anonymous;
		this.users = users.stream().collect(Collectors.toUnmodifiableMap(StaticUser::name, Function.identity()));
		this.passwords = passwords;
		this.jwt = jwt;
		this.decoyHash = (passwords != null && !users.isEmpty()) ? passwords.encode("herald-decoy") : null;
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		this.verifiedKey = new SecretKeySpec(key, DIGEST);
	}

	/** Whether anonymous access is the only mode, as in the embedded default. */
	private boolean openByDefault() {
		return this.anonymous && this.users.isEmpty() && this.jwt == null;
	}

	@Override
	public Identity authenticate(Credentials credentials) throws AuthenticationException {
		if (openByDefault()) {
			return OPEN.authenticate(credentials);
		}
		String token = credentials.bearerToken();
		String login = credentials.login();
		String passcode = credentials.passcode();
		if (token == null && this.jwt != null && passcode != null && looksLikeJwt(passcode)
				&& (login == null || !this.users.containsKey(login))) {
			token = passcode;
		}
		if (token != null) {
			if (this.jwt == null) {
				throw new AuthenticationException(FAILED);
			}
			try {
				return this.jwt.authenticate(token);
			}
			catch (AuthenticationException ex) {
				throw new AuthenticationException(FAILED);
			}
		}
		if (login != null || passcode != null) {
			return checkPassword(login, passcode);
		}
		if (this.anonymous) {
			return Identity.anonymous();
		}
		throw new AuthenticationException(FAILED);
	}

	private Identity checkPassword(String login, String passcode) throws AuthenticationException {
		StaticUser user = (login != null) ? this.users.get(login) : null;
		if (this.passwords == null) {
			throw new AuthenticationException(FAILED);
		}
		if (user != null && passcode != null) {
			byte[] known = this.verified.get(user.name());
			if (known != null && MessageDigest.isEqual(known, digest(passcode))) {
				return Identity.of(user.name(), user.roles());
			}
		}
		String hash = (user != null) ? user.passwordHash() : this.decoyHash;
		boolean matches = hash != null && this.passwords.matches((passcode != null) ? passcode : "", hash);
		if (user == null || passcode == null || !matches) {
			throw new AuthenticationException(FAILED);
		}
		this.verified.put(user.name(), digest(passcode));
		return Identity.of(user.name(), user.roles());
	}

	private byte[] digest(String passcode) {
		try {
			Mac mac = Mac.getInstance(DIGEST);
			mac.init(this.verifiedKey);
			return mac.doFinal(passcode.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(DIGEST + " is part of every JDK", ex);
		}
	}

	@Override
	public Identity refresh(Identity current, String token) throws AuthenticationException {
		if (this.jwt == null) {
			throw new AuthenticationException("token refresh needs JWT authentication, which is not configured");
		}
		return this.jwt.authenticate(token);
	}

	private static boolean looksLikeJwt(String value) {
		int first = value.indexOf('.');
		return first > 0 && value.indexOf('.', first + 1) > first + 1 && value.indexOf(' ') < 0;
	}

	/**
	 * A user configured with a password hash.
	 *
	 * @param name the login
	 * @param passwordHash the hash the {@link PasswordEncoder} checks passcodes against
	 * @param roles the user's roles
	 */
	public record StaticUser(String name, String passwordHash, Set<String> roles) {

		public StaticUser {
			roles = Set.copyOf(roles);
		}

	}

}
