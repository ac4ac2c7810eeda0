package io.herald.it.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints the tokens of the security suite, good and bad, with Nimbus (and the user tokens
 * of other suites that need proven users).
 */
public final class Tokens {

	public static final String SECRET = "herald-test-secret-0123456789abcdef";

	static final String ISSUER = "https://id.herald.test";

	static final String AUDIENCE = "herald";

	private Tokens() {
	}

	static JWTClaimsSet.Builder claims(String user, Instant expiresAt) {
		return new JWTClaimsSet.Builder().subject(user)
			.issuer(ISSUER)
			.audience(AUDIENCE)
			.issueTime(new Date())
			.expirationTime(Date.from(expiresAt));
	}

	static String valid(String user, Instant expiresAt, List<String> roles) {
		return sign(claims(user, expiresAt).claim("roles", roles).build(), SECRET);
	}

	public static String valid(String user) {
		return valid(user, Instant.now().plusSeconds(3600), List.of());
	}

	static String withGrants(String user, Map<String, List<String>> grants) {
		return sign(claims(user, Instant.now().plusSeconds(3600)).claim("herald_grants", grants).build(), SECRET);
	}

	static String sign(JWTClaimsSet claims, String secret) {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/** An unsigned token ({@code "alg": "none"}) with otherwise perfect claims. */
	static String unsigned(String user) {
		return new PlainJWT(claims(user, Instant.now().plusSeconds(3600)).build()).serialize();
	}

}
