package io.herald.it.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.JsonHttp.Answer;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static io.herald.it.support.JsonHttp.assertProblem;
import static io.herald.it.support.JsonHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP publish API where anonymous senders are not allowed: credentials as at CONNECT
 * (a static user over HTTP Basic, a JWT bearer token), the same {@code send} rules, the
 * sender stamped as who it proved to be, failed logins slowed down and the inbound rate
 * limited per sender.
 */
class HttpPublishSecurityIT {

	private static final String FEED_PASSWORD = "feed-password";

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs(brokerArguments());

	private static String[] brokerArguments() {
		BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		return new String[] { "--herald.security.anonymous=false", "--herald.security.users[0].name=feed",
				"--herald.security.users[0].password=" + bcrypt.encode(FEED_PASSWORD),
				"--herald.security.users[0].roles[0]=feed", "--herald.security.jwt.secret=" + Tokens.SECRET,
				"--herald.security.jwt.issuer=" + Tokens.ISSUER, "--herald.security.jwt.audience=" + Tokens.AUDIENCE,
				"--herald.security.rules[0].who=role:feed", "--herald.security.rules[0].actions=send",
				"--herald.security.rules[0].destinations=/topic/prices.#",
				"--herald.security.rules[1].who=authenticated", "--herald.security.rules[1].actions=subscribe,send",
				"--herald.security.rules[1].destinations=/topic/chat.#", "--herald.security.rules[2].who=authenticated",
				"--herald.security.rules[2].actions=subscribe",
				"--herald.security.rules[2].destinations=/topic/prices.#", "--herald.limits.max-login-delay=400ms",
				"--herald.limits.inbound-frames-per-second=20" };
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static Answer publish(String destination, String authorization) throws Exception {
		String body = "{\"destination\":\"" + destination + "\",\"body\":\"x\"}";
		return (authorization == null) ? post(broker, "/api/v1/publish", "application/json", body)
				: post(broker, "/api/v1/publish", "application/json", body, "Authorization", authorization);
	}

	@Test
	void withoutCredentialsTheAnswerIs401AskingForThem() throws Exception {
		Answer answer = publish("/topic/chat.lobby", null);
		assertProblem(answer, 401, "unauthenticated", "");
		assertThat(answer.response().headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).contains("Basic").contains("Bearer"));
	}

	@Test
	void theStaticUserPublishesWhereTheRulesLetItAndIsStampedAsItself() throws Exception {
		String topic = "/topic/prices." + HeraldServer.unique("p");
		try (StompConnection subscriber = Transport.TCP.open(broker)) {
			subscriber.connect("login", "feed", "passcode", FEED_PASSWORD);
			subscriber.subscribe(topic, "s");
			assertThat(publish(topic, basic("feed", FEED_PASSWORD)).status()).isEqualTo(200);
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.header("x-herald-user")).isEqualTo("feed");
		}
	}

	@Test
	void aJwtBearerPublishesAsItsSubjectButNotWhereOnlyTheFeedMay() throws Exception {
		String chat = "/topic/chat." + HeraldServer.unique("room");
		try (StompConnection subscriber = Transport.TCP.open(broker)) {
			subscriber.connect("Authorization", "Bearer " + Tokens.valid("carol"));
			subscriber.subscribe(chat, "s");
			assertThat(publish(chat, "Bearer " + Tokens.valid("alice")).status()).isEqualTo(200);
			assertThat(subscriber.receive("MESSAGE").header("x-herald-user")).isEqualTo("alice");
		}
		Answer denied = publish("/topic/prices.AAPL", "Bearer " + Tokens.valid("alice"));
		assertProblem(denied, 403, "access-denied", "user 'alice' may not send to '/topic/prices.AAPL'");
	}

	@Test
	void badCredentialsAre401AndRepeatedFailuresOfOneLoginMustWait() throws Exception {
		assertProblem(publish("/topic/chat.x", "Bearer " + Tokens.unsigned("alice")), 401, "unauthenticated", "");
		assertProblem(publish("/topic/chat.x", "Token abc"), 401, "unauthenticated", "Basic or Bearer");
		assertThat(publish("/topic/chat.x", basic("feed", "wrong")).status()).isEqualTo(401);
		assertThat(publish("/topic/chat.x", basic("feed", "wrong again")).status()).isEqualTo(401);
		Answer waiting = publish("/topic/chat.x", basic("feed", FEED_PASSWORD));
		assertProblem(waiting, 429, "rate-limited", "too many failed logins");
		assertThat(waiting.header("Retry-After")).isNotNull();
		assertThat(publish("/topic/chat.x", "Bearer " + Tokens.valid("zoe")).status())
			.as("another login from the same address is not held up")
			.isEqualTo(200);
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> publish("/topic/chat.x", basic("feed", FEED_PASSWORD)).status() == 200);
	}

	@Test
	void aSenderOverTheInboundRateIsRefusedWith429AndOthersAreNot() throws Exception {
		String chat = "/topic/chat." + HeraldServer.unique("busy");
		String bob = "Bearer " + Tokens.valid("bob");
		int refused = 0;
		for (int i = 0; i < 40 && refused == 0; i++) {
			Answer answer = publish(chat, bob);
			if (answer.status() == 429) {
				refused++;
				assertProblem(answer, 429, "rate-limited", "herald.limits.inbound-frames-per-second");
				assertThat(answer.header("Retry-After")).isEqualTo("1");
			}
		}
		assertThat(refused).as("bob went over 20 a second").isPositive();
		assertThat(publish(chat, "Bearer " + Tokens.valid("dave")).status()).as("dave has his own rate").isEqualTo(200);
	}

}
