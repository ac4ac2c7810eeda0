package io.herald.it.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.herald.it.support.HeraldExtension;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import io.herald.testclient.WebSocketStompConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Authentication and authorization end to end: a broker configured as in
 * {@code config/production.yml} (no anonymous access, a static feed user, JWT with issuer
 * and audience, ordered rules for a price feed and a chat), attacked over real sockets.
 */
class SecurityIT {

	private static final String FEED_PASSWORD = "feed-password";

	private static final String OPS_PASSWORD = "ops-password";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs(brokerArguments());

	private static String[] brokerArguments() {
		BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		return new String[] { "--herald.security.anonymous=false", "--herald.security.admin-from-loopback=false",
				"--herald.security.users[0].name=feed",
				"--herald.security.users[0].password=" + bcrypt.encode(FEED_PASSWORD),
				"--herald.security.users[0].roles[0]=feed", "--herald.security.users[1].name=ops",
				"--herald.security.users[1].password=" + bcrypt.encode(OPS_PASSWORD),
				"--herald.security.users[1].roles[0]=admin", "--herald.security.jwt.secret=" + Tokens.SECRET,
				"--herald.security.jwt.issuer=" + Tokens.ISSUER, "--herald.security.jwt.audience=" + Tokens.AUDIENCE,
				"--herald.security.jwt.clock-skew=0s",
				// price feed: only the feed publishes, everyone reads
				"--herald.security.rules[0].who=role:feed", "--herald.security.rules[0].actions=send",
				"--herald.security.rules[0].destinations=/topic/prices.#",
				"--herald.security.rules[1].who=authenticated", "--herald.security.rules[1].actions=subscribe",
				"--herald.security.rules[1].destinations=/topic/prices.#",
				// chat: signed-in users talk in rooms and receive their own private queue
				"--herald.security.rules[2].who=authenticated", "--herald.security.rules[2].actions=subscribe,send",
				"--herald.security.rules[2].destinations=/topic/chat.#", "--herald.security.rules[3].who=authenticated",
				"--herald.security.rules[3].actions=subscribe", "--herald.security.rules[3].destinations=/user/queue/#",
				"--herald.websocket.allowed-origins=https://app.herald.test",
				// failed logins are slowed down up to this; small to keep the suite fast
				"--herald.limits.max-login-delay=400ms" };
	}

	@Test
	void jwtInTheAuthorizationHeaderConnectsAsItsSubject() throws Exception {
		try (StompConnection client = Transport.TCP.open(broker)) {
			StompFrame connected = client.attemptConnect("Authorization", "Bearer " + Tokens.valid("alice"));
			assertThat(connected.command()).isEqualTo("CONNECTED");
			assertThat(connected.header("user-name")).isEqualTo("alice");
		}
	}

	@Test
	void jwtAsPasscodeAndAsHandshakeQueryParameter() throws Exception {
		try (StompConnection client = Transport.TCP.open(broker)) {
			assertThat(client.attemptConnect("passcode", Tokens.valid("alice")).header("user-name")).isEqualTo("alice");
		}
		try (StompConnection browser = WebSocketStompConnection.to(wsUri("?access_token=" + Tokens.valid("bob")))
			.open()) {
			assertThat(browser.attemptConnect().header("user-name")).isEqualTo("bob");
		}
	}

	@Test
	void handshakeWithAnInvalidTokenIsRefusedWith401() {
		assertThatThrownBy(() -> WebSocketStompConnection.to(wsUri("?access_token=" + Tokens.unsigned("bob"))).open())
			.isInstanceOf(IllegalStateException.class)
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
	}

	@Test
	void badTokensAreRefusedAlikeAndCounted() throws Exception {
		Instant later = Instant.now().plusSeconds(600);
		Map<String, String> bad = Map.of("bad signature",
				Tokens.sign(Tokens.claims("alice", later).build(), "another-secret-another-secret-0123"), "expired",
				Tokens.sign(Tokens.claims("alice", Instant.now().minusSeconds(5)).build(), Tokens.SECRET),
				"wrong audience",
				Tokens.sign(Tokens.claims("alice", later).audience("someone-else").build(), Tokens.SECRET),
				"wrong issuer",
				Tokens.sign(Tokens.claims("alice", later).issuer("https://evil.test").build(), Tokens.SECRET),
				"alg none", Tokens.unsigned("alice"), "garbage", "a.b.c");
		double before = metric("herald.authentication.failures");
		for (Map.Entry<String, String> token : bad.entrySet()) {
			try (StompConnection client = Transport.TCP.open(broker)) {
				StompFrame answer = client.attemptConnect("Authorization", "Bearer " + token.getValue(), "receipt",
						"login");
				assertThat(answer.command()).as(token.getKey()).isEqualTo("ERROR");
				assertThat(answer.header("message")).as(token.getKey()).isEqualTo("authentication failed");
				assertThat(answer.header("receipt-id")).as(token.getKey()).isEqualTo("login");
				client.awaitClosed();
			}
		}
		assertThat(metric("herald.authentication.failures")).isGreaterThanOrEqualTo(before + bad.size());
	}

	@Test
	void repeatedFailedLoginsFromOneAddressAreAnsweredLater() throws Exception {
		long slowest = 0;
		for (int attempt = 0; attempt < 5; attempt++) {
			try (StompConnection client = Transport.TCP.open(broker)) {
				long start = System.nanoTime();
				StompFrame answer = client.attemptConnect("login", "feed", "passcode", "guess-" + attempt);
				slowest = Math.max(slowest, Duration.ofNanos(System.nanoTime() - start).toMillis());
				assertThat(answer.header("message")).isEqualTo("authentication failed");
			}
		}
		assertThat(slowest).as("ms before the ERROR of the 5th failure in a row").isGreaterThanOrEqualTo(350);
		try (StompConnection feed = Transport.TCP.open(broker)) {
			assertThat(feed.attemptConnect("login", "feed", "passcode", FEED_PASSWORD).command())
				.as("the right password still gets in")
				.isEqualTo("CONNECTED");
		}
	}

	@Test
	void staticUsersNeedTheirPasswordAndAnonymousIsOff() throws Exception {
		try (StompConnection feed = Transport.TCP.open(broker)) {
			StompFrame connected = feed.attemptConnect("login", "feed", "passcode", FEED_PASSWORD);
			assertThat(connected.command()).isEqualTo("CONNECTED");
			assertThat(connected.header("user-name")).isEqualTo("feed");
		}
		for (String[] credentials : List.of(new String[] { "login", "feed", "passcode", "wrong" },
				new String[] { "login", "nobody", "passcode", FEED_PASSWORD }, new String[] { "login", "feed" },
				new String[0])) {
			try (StompConnection client = Transport.TCP.open(broker)) {
				StompFrame answer = client.attemptConnect(credentials);
				assertThat(answer.command()).as(String.join(",", credentials)).isEqualTo("ERROR");
				assertThat(answer.header("message")).isEqualTo("authentication failed");
				client.awaitClosed();
			}
		}
	}

	@Test
	void anExpiringTokenClosesTheSessionUnlessRefreshedInBand() throws Exception {
		Instant soon = Instant.now().plusSeconds(2);
		try (StompConnection stale = Transport.TCP.open(broker);
				StompConnection refreshed = Transport.TCP.open(broker)) {
			assertThat(
					stale.attemptConnect("Authorization", "Bearer " + Tokens.valid("carol", soon, List.of())).command())
				.isEqualTo("CONNECTED");
			assertThat(refreshed.attemptConnect("Authorization", "Bearer " + Tokens.valid("carol", soon, List.of()))
				.command()).isEqualTo("CONNECTED");

			refreshed.send(StompFrame.create("SEND")
				.header("destination", "/herald/token")
				.header("receipt", "refresh")
				.body(Tokens.valid("carol")));
			StompFrame receipt = refreshed.receive();
			assertThat(receipt.command()).isEqualTo("RECEIPT");
			assertThat(receipt.header("receipt-id")).isEqualTo("refresh");

			StompFrame expired = stale.receive();
			assertThat(expired.command()).isEqualTo("ERROR");
			assertThat(expired.header("message")).isEqualTo("token expired");
			stale.awaitClosed();

			await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(soon.plusMillis(500)));
			refreshed.send(StompFrame.create("SUBSCRIBE")
				.header("id", "0")
				.header("destination", "/topic/chat.lobby")
				.header("receipt", "still-here"));
			StompFrame still = refreshed.receive();
			assertThat(still.command()).as("the refreshed session outlives the first token").isEqualTo("RECEIPT");
		}
	}

	@Test
	void refreshWithAnInvalidTokenOrAnotherUsersIsAnError() throws Exception {
		for (String token : List.of(Tokens.unsigned("dave"), Tokens.valid("mallory"))) {
			try (StompConnection client = Transport.TCP.open(broker)) {
				client.connect("Authorization", "Bearer " + Tokens.valid("dave"));
				client.send(StompFrame.create("SEND")
					.header("destination", "/herald/token")
					.header("receipt", "refresh")
					.body(token));
				StompFrame error = client.receive();
				assertThat(error.command()).isEqualTo("ERROR");
				assertThat(error.header("message")).startsWith("token refresh failed");
				assertThat(error.header("receipt-id")).isEqualTo("refresh");
				client.awaitClosed();
			}
		}
	}

	@Test
	void onlyTheFeedPublishesPricesAndNothingDeniedIsRouted() throws Exception {
		try (StompConnection browser = Transport.TCP.open(broker);
				StompConnection feed = Transport.TCP.open(broker);
				StompConnection forger = Transport.TCP.open(broker)) {
			browser.connect("Authorization", "Bearer " + Tokens.valid("erin"));
			browser.send(StompFrame.create("SUBSCRIBE")
				.header("id", "p")
				.header("destination", "/topic/prices.*")
				.header("receipt", "sub"));
			assertThat(browser.receive().command()).isEqualTo("RECEIPT");

			forger.connect("Authorization", "Bearer " + Tokens.valid("frank"));
			forger.send(StompFrame.create("SEND")
				.header("destination", "/topic/prices.ACME")
				.header("receipt", "forged")
				.body("{\"bid\":0.01}"));
			StompFrame denied = forger.receive();
			assertThat(denied.command()).isEqualTo("ERROR");
			assertThat(denied.header("message")).contains("/topic/prices.ACME");
			assertThat(denied.header("receipt-id")).isEqualTo("forged");
			forger.awaitClosed();

			feed.connect("login", "feed", "passcode", FEED_PASSWORD);
			feed.send(StompFrame.create("SEND")
				.header("destination", "/topic/prices.ACME")
				.header("receipt", "real")
				.body("{\"bid\":101.5}"));
			assertThat(feed.receive().command()).isEqualTo("RECEIPT");

			StompFrame first = browser.receive();
			assertThat(first.command()).isEqualTo("MESSAGE");
			assertThat(first.bodyText()).as("the forged price never reached anyone").isEqualTo("{\"bid\":101.5}");
			assertThat(first.header("x-herald-user")).isEqualTo("feed");
		}
	}

	@Test
	void deniedSubscriptionsNameTheDestination() throws Exception {
		for (String destination : List.of("/queue/orders", "/topic/admin.alerts", "/topic/#")) {
			try (StompConnection client = Transport.TCP.open(broker)) {
				client.connect("Authorization", "Bearer " + Tokens.valid("grace"));
				client.send(StompFrame.create("SUBSCRIBE").header("id", "0").header("destination", destination));
				StompFrame error = client.receive();
				assertThat(error.command()).isEqualTo("ERROR");
				assertThat(error.header("message")).contains(destination);
				client.awaitClosed();
			}
		}
	}

	@Test
	void tokenGrantsAllowWhatNoRuleSpeaksAbout() throws Exception {
		String token = Tokens.withGrants("heidi",
				Map.of("subscribe", List.of("/queue/{user}.orders"), "send", List.of("/queue/{user}.orders")));
		try (StompConnection client = Transport.TCP.open(broker)) {
			client.connect("Authorization", "Bearer " + token);
			client.send(StompFrame.create("SUBSCRIBE")
				.header("id", "0")
				.header("destination", "/queue/heidi.orders")
				.header("receipt", "sub"));
			assertThat(client.receive().command()).isEqualTo("RECEIPT");
			client.send(StompFrame.create("SEND").header("destination", "/queue/heidi.orders").body("order-1"));
			StompFrame message = client.receive();
			assertThat(message.command()).isEqualTo("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("order-1");
			client.send(StompFrame.create("SUBSCRIBE").header("id", "1").header("destination", "/queue/ivan.orders"));
			assertThat(client.receive().command()).isEqualTo("ERROR");
		}
	}

	@Test
	void theSenderIsStampedAndCannotBeSpoofed() throws Exception {
		try (StompConnection bob = Transport.TCP.open(broker); StompConnection mallory = Transport.TCP.open(broker)) {
			bob.connect("Authorization", "Bearer " + Tokens.valid("bob"));
			bob.send(StompFrame.create("SUBSCRIBE")
				.header("id", "0")
				.header("destination", "/topic/chat.room1")
				.header("receipt", "sub"));
			assertThat(bob.receive().command()).isEqualTo("RECEIPT");
			mallory.connect("Authorization", "Bearer " + Tokens.valid("mallory"));
			mallory.send(StompFrame.create("SEND")
				.header("destination", "/topic/chat.room1")
				.header("x-herald-user", "alice")
				.header("receipt", "sent")
				.body("it's me, alice"));
			assertThat(mallory.receive().command()).isEqualTo("RECEIPT");
			StompFrame message = bob.receive();
			assertThat(message.headerValues("x-herald-user")).containsExactly("mallory");
		}
	}

	@Test
	void handshakeFromAnOriginNotAllowedIsRefused() {
		try (StompConnection allowed = WebSocketStompConnection.to(wsUri(""))
			.header("Origin", "https://app.herald.test")
			.open()) {
			assertThat(allowed.attemptConnect("Authorization", "Bearer " + Tokens.valid("judy")).command())
				.isEqualTo("CONNECTED");
		}
		assertThatThrownBy(() -> WebSocketStompConnection.to(wsUri("")).header("Origin", "https://evil.test").open())
			.isInstanceOf(IllegalStateException.class)
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void actuatorNeedsTheAdminRoleExceptHealth() throws Exception {
		assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
		assertThat(get("/actuator/prometheus", basic("feed", FEED_PASSWORD)).statusCode()).isEqualTo(403);
		assertThat(get("/actuator/prometheus", basic("ops", "wrong")).statusCode()).isEqualTo(401);
		HttpResponse<String> metrics = get("/actuator/prometheus", basic("ops", OPS_PASSWORD));
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("herald_authentication_failures");
		String adminToken = "Bearer " + Tokens.valid("root", Instant.now().plusSeconds(60), List.of("admin"));
		assertThat(get("/actuator/metrics", adminToken).statusCode()).isEqualTo(200);
		String userToken = "Bearer " + Tokens.valid("root", Instant.now().plusSeconds(60), List.of("trader"));
		assertThat(get("/actuator/metrics", userToken).statusCode()).isEqualTo(403);
	}

	private static URI wsUri(String query) {
		return URI.create("ws://127.0.0.1:" + broker.httpPort() + "/ws" + query);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static HttpResponse<String> get(String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.httpPort() + path))
			.timeout(Duration.ofSeconds(10));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static double metric(String name) throws Exception {
		HttpResponse<String> response = get("/actuator/metrics/" + name, basic("ops", OPS_PASSWORD));
		assertThat(response.statusCode()).isEqualTo(200);
		String body = response.body();
		int value = body.indexOf("\"value\":");
		return Double.parseDouble(body.substring(value + 8).split("[,}]")[0]);
	}

}
