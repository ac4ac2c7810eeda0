package io.herald.it.security;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.herald.it.support.HeraldExtension;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT signed with RS256 by an issuer that publishes its keys as a JWKS document (served
 * here by the JDK's HTTP server): tokens it signed get in, tokens signed by another key
 * with the same key id do not.
 */
class JwksIT {

	private static HttpServer issuer;

	private static RSAKey signingKey;

	private static final AtomicInteger keySetRequests = new AtomicInteger();

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.deferred();

	@BeforeAll
	static void start() throws Exception {
		signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
		byte[] keySet = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		issuer.createContext("/jwks.json", (exchange) -> {
			keySetRequests.incrementAndGet();
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, keySet.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(keySet);
			}
		});
		issuer.start();
		String jwksUri = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks.json";
		broker.start("--herald.security.anonymous=false", "--herald.security.jwt.jwks-uri=" + jwksUri,
				"--herald.security.jwt.issuer=" + Tokens.ISSUER, "--herald.security.jwt.audience=" + Tokens.AUDIENCE);
	}

	@AfterAll
	static void stopIssuer() {
		if (issuer != null) {
			issuer.stop(0);
		}
	}

	@Test
	void tokensSignedWithThePublishedKeyGetIn() throws Exception {
		int fetchedBefore = keySetRequests.get();
		for (String user : new String[] { "alice", "bob" }) {
			try (StompConnection client = Transport.TCP.open(broker)) {
				StompFrame connected = client.attemptConnect("Authorization", "Bearer " + rs256(user, signingKey));
				assertThat(connected.command()).isEqualTo("CONNECTED");
				assertThat(connected.header("user-name")).isEqualTo(user);
			}
		}
		assertThat(keySetRequests.get() - fetchedBefore).as("key set fetches for two logins (cached, not per login)")
			.isLessThanOrEqualTo(1);
	}

	@Test
	void tokensSignedWithAnotherKeyUnderTheSameKeyIdFail() throws Exception {
		RSAKey impostor = new RSAKeyGenerator(2048).keyID("k1").generate();
		try (StompConnection client = Transport.TCP.open(broker)) {
			StompFrame answer = client.attemptConnect("Authorization", "Bearer " + rs256("alice", impostor));
			assertThat(answer.command()).isEqualTo("ERROR");
			assertThat(answer.header("message")).isEqualTo("authentication failed");
		}
	}

	private static String rs256(String user, RSAKey key) throws JOSEException, IOException {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
				Tokens.claims(user, Instant.now().plusSeconds(600)).build());
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

}
