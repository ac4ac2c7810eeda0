package io.herald.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.security.crypto.password.PasswordEncoder;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HeraldAuthenticatorTest {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);

	private final JwtAuthenticator jwt = new JwtAuthenticator(
			NimbusJwtDecoder.withSecretKey(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
				.macAlgorithm(MacAlgorithm.HS256)
				.build(),
			new JwtAuthenticator.Claims("sub", "roles", "herald_grants"));

	private final HeraldAuthenticator authenticator = new HeraldAuthenticator(true,
			List.of(new HeraldAuthenticator.StaticUser("feed", BCRYPT.encode("s3cret"), Set.of("feed"))), BCRYPT,
			this.jwt);

	@Test
	void staticUserWithTheRightPasswordGetsItsRoles() throws Exception {
		Identity identity = this.authenticator.authenticate(credentials("feed", "s3cret", null));
		assertThat(identity.name()).isEqualTo("feed");
		assertThat(identity.roles()).containsExactly("feed");
	}

	@Test
	void theSamePasswordAgainSkipsTheHashButAWrongOneNeverDoes() throws Exception {
		AtomicInteger checks = new AtomicInteger();
		PasswordEncoder counting = new PasswordEncoder() {
			@Override
			public String encode(CharSequence raw) {
				return BCRYPT.encode(raw);
			}

			@Override
			public boolean matches(CharSequence raw, String encoded) {
				checks.incrementAndGet();
				return BCRYPT.matches(raw, encoded);
			}
		};
		HeraldAuthenticator relayed = new HeraldAuthenticator(false,
				List.of(new HeraldAuthenticator.StaticUser("app", BCRYPT.encode("p4ss"), Set.of())), counting, null);
		for (int i = 0; i < 3; i++) {
			assertThat(relayed.authenticate(credentials("app", "p4ss", null)).name()).isEqualTo("app");
		}
		assertThat(checks).as("one bcrypt check for three logins").hasValue(1);
		assertThatExceptionOfType(AuthenticationException.class)
			.isThrownBy(() -> relayed.authenticate(credentials("app", "p4ss-not", null)));
		assertThat(checks).as("a wrong password is checked, slowly, every time").hasValue(2);
		assertThat(relayed.authenticate(credentials("app", "p4ss", null)).name()).isEqualTo("app");
		assertThat(checks).hasValue(2);
	}

	@Test
	void wrongPasswordUnknownUserAndLoginAloneFailAlikeEvenThoughAnonymousIsAllowed() {
		for (Credentials bad : List.of(credentials("feed", "wrong", null), credentials("nobody", "s3cret", null),
				credentials("feed", null, null))) {
			assertThatExceptionOfType(AuthenticationException.class)
				.isThrownBy(() -> this.authenticator.authenticate(bad))
				.withMessage("authentication failed");
		}
	}

	@Test
	void noCredentialsAtAllIsAnonymousWhenAllowed() throws Exception {
		assertThat(this.authenticator.authenticate(credentials(null, null, null)).isAnonymous()).isTrue();
		HeraldAuthenticator closed = new HeraldAuthenticator(false, List.of(), BCRYPT, this.jwt);
		assertThatExceptionOfType(AuthenticationException.class)
			.isThrownBy(() -> closed.authenticate(credentials(null, null, null)));
	}

	@Test
	void bearerTokenFromAuthorizationHandshakeOrPasscode() throws Exception {
		String token = token("alice", Instant.now().plusSeconds(60), SECRET);
		Credentials viaHeader = new Credentials(null, null, "Bearer " + token, null, "127.0.0.1");
		Credentials viaHandshake = new Credentials(null, null, null, token, "127.0.0.1");
		Credentials viaPasscode = credentials(null, token, null);
		for (Credentials credentials : List.of(viaHeader, viaHandshake, viaPasscode)) {
			Identity identity = this.authenticator.authenticate(credentials);
			assertThat(identity.name()).isEqualTo("alice");
			assertThat(identity.roles()).containsExactly("trader");
			assertThat(identity.expiresAt()).isNotNull();
			assertThat(identity.grants()).extracting(Grant::action).containsExactly(Action.SEND);
		}
	}

	@Test
	void tokensSignedWithAnotherKeyOrExpiredFail() throws Exception {
		String forged = token("alice", Instant.now().plusSeconds(60), "another-secret-another-secret-xx");
		String expired = token("alice", Instant.now().minusSeconds(600), SECRET);
		for (String token : List.of(forged, expired, "not.a.token")) {
			assertThatExceptionOfType(AuthenticationException.class)
				.isThrownBy(() -> this.authenticator
					.authenticate(new Credentials(null, null, "Bearer " + token, null, "127.0.0.1")))
				.withMessage("authentication failed");
		}
	}

	@Test
	void openDefaultIgnoresTheLoginSoNobodyCanClaimAName() throws Exception {
		HeraldAuthenticator open = new HeraldAuthenticator(true, List.of(), BCRYPT, null);
		assertThat(open.authenticate(credentials("bob", null, null))).isEqualTo(Identity.anonymous());
		assertThat(open.authenticate(credentials("bob", "anything", null))).isEqualTo(Identity.anonymous());
		assertThat(open.authenticate(credentials(null, null, null)).isAnonymous()).isTrue();
	}

	@Test
	void namesOfAnonymousSessionsAreReservedFromUsers() throws Exception {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HeraldAuthenticator(true,
					List.of(new HeraldAuthenticator.StaticUser("anonymous-1", BCRYPT.encode("pw"), Set.of())), BCRYPT,
					null))
			.withMessageContaining("anonymous-");
		String token = token("anonymous-node-1", Instant.now().plusSeconds(60), SECRET);
		assertThatExceptionOfType(AuthenticationException.class)
			.isThrownBy(() -> this.authenticator.authenticate(credentials(null, null, "Bearer " + token)));
	}

	@Test
	void refreshNeedsJwt() throws Exception {
		HeraldAuthenticator withoutJwt = new HeraldAuthenticator(true, List.of(), BCRYPT, null);
		assertThatExceptionOfType(AuthenticationException.class)
			.isThrownBy(() -> withoutJwt.refresh(Identity.anonymous(), "x"));
		String token = token("alice", Instant.now().plusSeconds(60), SECRET);
		assertThat(this.authenticator.refresh(Identity.of("alice", Set.of()), token).name()).isEqualTo("alice");
	}

	private static Credentials credentials(String login, String passcode, String authorization) {
		return new Credentials(login, passcode, authorization, null, "127.0.0.1");
	}

	static String token(String user, Instant expiresAt, String secret) throws JOSEException {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user)
			.expirationTime(Date.from(expiresAt))
			.claim("roles", List.of("trader"))
			.claim("herald_grants", Map.of("send", List.of("/topic/chat.{user}")))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		return jwt.serialize();
	}

}
