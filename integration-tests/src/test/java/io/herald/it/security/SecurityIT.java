package io.herald.it.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.herald.it.support.HeraldServer;
import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

	private static HeraldServer broker;

	private static int httpPort;

	private static int tcpPort;

	@BeforeAll
	static void startBroker() {
		BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		broker = HeraldServer.start("--herald.security.anonymous=false", "--herald.security.users[0].name=feed",
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
				"--herald.limits.max-login-delay=400ms");
		httpPort = broker.httpPort();
		tcpPort = broker.tcpPort();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@Test
	void jwtInTheAuthorizationHeaderConnectsAsItsSubject() throws Exception {
		try (RawStomp client = RawStomp.tcp(tcpPort)) {
			Frame connected = client.connect("Authorization:Bearer " + Tokens.valid("alice"));
			assertThat(connected.command()).isEqualTo(Command.CONNECTED);
			assertThat(connected.header("user-name")).isEqualTo("alice");
		}
	}

	@Test
	void jwtAsPasscodeAndAsHandshakeQueryParameter() throws Exception {
		try (RawStomp client = RawStomp.tcp(tcpPort)) {
			assertThat(client.connect("passcode:" + Tokens.valid("alice")).header("user-name")).isEqualTo("alice");
		}
		try (RawStomp browser = RawStomp.webSocket(wsUri("?access_token=" + Tokens.valid("bob")), Map.of(), null)) {
			assertThat(browser.connect().header("user-name")).isEqualTo("bob");
		}
	}

	@Test
	void handshakeWithAnInvalidTokenIsRefusedWith401() {
		assertThatThrownBy(() -> RawStomp.webSocket(wsUri("?access_token=" + Tokens.unsigned("bob")), Map.of(), null))
			.isInstanceOf(CompletionException.class)
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
			try (RawStomp client = RawStomp.tcp(tcpPort)) {
				Frame answer = client.connect("Authorization:Bearer " + token.getValue(), "receipt:login");
				assertThat(answer.command()).as(token.getKey()).isEqualTo(Command.ERROR);
				assertThat(answer.header("message")).as(token.getKey()).isEqualTo("authentication failed");
				assertThat(answer.header("receipt-id")).as(token.getKey()).isEqualTo("login");
				assertThat(client.awaitClosed()).as(token.getKey() + ": closed").isTrue();
			}
		}
		assertThat(metric("herald.authentication.failures")).isGreaterThanOrEqualTo(before + bad.size());
	}

	@Test
	void repeatedFailedLoginsFromOneAddressAreAnsweredLater() throws Exception {
		long slowest = 0;
		for (int attempt = 0; attempt < 5; attempt++) {
			try (RawStomp client = RawStomp.tcp(tcpPort)) {
				long start = System.nanoTime();
				Frame answer = client.connect("login:feed", "passcode:guess-" + attempt);
				slowest = Math.max(slowest, Duration.ofNanos(System.nanoTime() - start).toMillis());
				assertThat(answer.header("message")).isEqualTo("authentication failed");
			}
		}
		assertThat(slowest).as("ms before the ERROR of the 5th failure in a row").isGreaterThanOrEqualTo(350);
		try (RawStomp feed = RawStomp.tcp(tcpPort)) {
			assertThat(feed.connect("login:feed", "passcode:" + FEED_PASSWORD).command())
				.as("the right password still gets in")
				.isEqualTo(Command.CONNECTED);
		}
	}

	@Test
	void staticUsersNeedTheirPasswordAndAnonymousIsOff() throws Exception {
		try (RawStomp feed = RawStomp.tcp(tcpPort)) {
			Frame connected = feed.connect("login:feed", "passcode:" + FEED_PASSWORD);
			assertThat(connected.command()).isEqualTo(Command.CONNECTED);
			assertThat(connected.header("user-name")).isEqualTo("feed");
		}
		for (String[] credentials : List.of(new String[] { "login:feed", "passcode:wrong" },
				new String[] { "login:nobody", "passcode:" + FEED_PASSWORD }, new String[] { "login:feed" },
				new String[0])) {
			try (RawStomp client = RawStomp.tcp(tcpPort)) {
				Frame answer = client.connect(credentials);
				assertThat(answer.command()).as(String.join(",", credentials)).isEqualTo(Command.ERROR);
				assertThat(answer.header("message")).isEqualTo("authentication failed");
				assertThat(client.awaitClosed()).isTrue();
			}
		}
	}

	@Test
	void anExpiringTokenClosesTheSessionUnlessRefreshedInBand() throws Exception {
		Instant soon = Instant.now().plusSeconds(2);
		try (RawStomp stale = RawStomp.tcp(tcpPort); RawStomp refreshed = RawStomp.tcp(tcpPort)) {
			assertThat(stale.connect("Authorization:Bearer " + Tokens.valid("carol", soon, List.of())).command())
				.isEqualTo(Command.CONNECTED);
			assertThat(refreshed.connect("Authorization:Bearer " + Tokens.valid("carol", soon, List.of())).command())
				.isEqualTo(Command.CONNECTED);

			refreshed.send("SEND", Tokens.valid("carol"), "destination:/herald/token", "receipt:refresh");
			Frame receipt = refreshed.next();
			assertThat(receipt.command()).isEqualTo(Command.RECEIPT);
			assertThat(receipt.header("receipt-id")).isEqualTo("refresh");

			Frame expired = stale.next();
			assertThat(expired.command()).isEqualTo(Command.ERROR);
			assertThat(expired.header("message")).isEqualTo("token expired");
			assertThat(stale.awaitClosed()).isTrue();

			await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(soon.plusMillis(500)));
			refreshed.send("SUBSCRIBE", "", "id:0", "destination:/topic/chat.lobby", "receipt:still-here");
			Frame still = refreshed.next();
			assertThat(still.command()).as("the refreshed session outlives the first token").isEqualTo(Command.RECEIPT);
		}
	}

	@Test
	void refreshWithAnInvalidTokenOrAnotherUsersIsAnError() throws Exception {
		for (String token : List.of(Tokens.unsigned("dave"), Tokens.valid("mallory"))) {
			try (RawStomp client = RawStomp.tcp(tcpPort)) {
				client.connect("Authorization:Bearer " + Tokens.valid("dave"));
				client.send("SEND", token, "destination:/herald/token", "receipt:refresh");
				Frame error = client.next();
				assertThat(error.command()).isEqualTo(Command.ERROR);
				assertThat(error.header("message")).startsWith("token refresh failed");
				assertThat(error.header("receipt-id")).isEqualTo("refresh");
				assertThat(client.awaitClosed()).isTrue();
			}
		}
	}

	@Test
	void onlyTheFeedPublishesPricesAndNothingDeniedIsRouted() throws Exception {
		try (RawStomp browser = RawStomp.tcp(tcpPort);
				RawStomp feed = RawStomp.tcp(tcpPort);
				RawStomp forger = RawStomp.tcp(tcpPort)) {
			browser.connect("Authorization:Bearer " + Tokens.valid("erin"));
			browser.send("SUBSCRIBE", "", "id:p", "destination:/topic/prices.*", "receipt:sub");
			assertThat(browser.next().command()).isEqualTo(Command.RECEIPT);

			forger.connect("Authorization:Bearer " + Tokens.valid("frank"));
			forger.send("SEND", "{\"bid\":0.01}", "destination:/topic/prices.ACME", "receipt:forged");
			Frame denied = forger.next();
			assertThat(denied.command()).isEqualTo(Command.ERROR);
			assertThat(denied.header("message")).contains("/topic/prices.ACME");
			assertThat(denied.header("receipt-id")).isEqualTo("forged");
			assertThat(forger.awaitClosed()).isTrue();

			feed.connect("login:feed", "passcode:" + FEED_PASSWORD);
			feed.send("SEND", "{\"bid\":101.5}", "destination:/topic/prices.ACME", "receipt:real");
			assertThat(feed.next().command()).isEqualTo(Command.RECEIPT);

			Frame first = browser.next();
			assertThat(first.command()).isEqualTo(Command.MESSAGE);
			assertThat(first.bodyAsText()).as("the forged price never reached anyone").isEqualTo("{\"bid\":101.5}");
			assertThat(first.header("x-herald-user")).isEqualTo("feed");
		}
	}

	@Test
	void deniedSubscriptionsNameTheDestination() throws Exception {
		for (String destination : List.of("/queue/orders", "/topic/admin.alerts", "/topic/#")) {
			try (RawStomp client = RawStomp.tcp(tcpPort)) {
				client.connect("Authorization:Bearer " + Tokens.valid("grace"));
				client.send("SUBSCRIBE", "", "id:0", "destination:" + destination);
				Frame error = client.next();
				assertThat(error.command()).isEqualTo(Command.ERROR);
				assertThat(error.header("message")).contains(destination);
				assertThat(client.awaitClosed()).isTrue();
			}
		}
	}

	@Test
	void tokenGrantsAllowWhatNoRuleSpeaksAbout() throws Exception {
		String token = Tokens.withGrants("heidi",
				Map.of("subscribe", List.of("/queue/{user}.orders"), "send", List.of("/queue/{user}.orders")));
		try (RawStomp client = RawStomp.tcp(tcpPort)) {
			client.connect("Authorization:Bearer " + token);
			client.send("SUBSCRIBE", "", "id:0", "destination:/queue/heidi.orders", "receipt:sub");
			assertThat(client.next().command()).isEqualTo(Command.RECEIPT);
			client.send("SEND", "order-1", "destination:/queue/heidi.orders");
			Frame message = client.next();
			assertThat(message.command()).isEqualTo(Command.MESSAGE);
			assertThat(message.bodyAsText()).isEqualTo("order-1");
			client.send("SUBSCRIBE", "", "id:1", "destination:/queue/ivan.orders");
			assertThat(client.next().command()).isEqualTo(Command.ERROR);
		}
	}

	@Test
	void theSenderIsStampedAndCannotBeSpoofed() throws Exception {
		try (RawStomp bob = RawStomp.tcp(tcpPort); RawStomp mallory = RawStomp.tcp(tcpPort)) {
			bob.connect("Authorization:Bearer " + Tokens.valid("bob"));
			bob.send("SUBSCRIBE", "", "id:0", "destination:/topic/chat.room1", "receipt:sub");
			assertThat(bob.next().command()).isEqualTo(Command.RECEIPT);
			mallory.connect("Authorization:Bearer " + Tokens.valid("mallory"));
			mallory.send("SEND", "it's me, alice", "destination:/topic/chat.room1", "x-herald-user:alice",
					"receipt:sent");
			assertThat(mallory.next().command()).isEqualTo(Command.RECEIPT);
			Frame message = bob.next();
			List<String> senders = new ArrayList<>();
			message.headers().forEach((name, value) -> {
				if (name.equals("x-herald-user")) {
					senders.add(value);
				}
			});
			assertThat(senders).containsExactly("mallory");
		}
	}

	@Test
	void handshakeFromAnOriginNotAllowedIsRefused() {
		try (RawStomp allowed = RawStomp.webSocket(wsUri(""), Map.of("Origin", "https://app.herald.test"), null)) {
			assertThat(allowed.connect("Authorization:Bearer " + Tokens.valid("judy")).command())
				.isEqualTo(Command.CONNECTED);
		}
		assertThatThrownBy(() -> RawStomp.webSocket(wsUri(""), Map.of("Origin", "https://evil.test"), null))
			.isInstanceOf(CompletionException.class)
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
		return URI.create("ws://127.0.0.1:" + httpPort + "/ws" + query);
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static HttpResponse<String> get(String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
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
