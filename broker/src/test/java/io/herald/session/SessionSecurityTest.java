package io.herald.session;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.Headers;
import io.herald.routing.DestinationException;
import io.herald.security.Action;
import io.herald.security.Identity;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;
import io.herald.support.TestAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication, login throttling, token expiry and in-band refresh, destination policy
 * and sender stamping, through a test {@link io.herald.security.Authenticator}.
 */
class SessionSecurityTest {

	private final BrokerHarness harness = BrokerHarness.builder()
		.testAuthenticator()
		.policy((identity, action, destination) -> !destination.startsWith("/topic/secret")
				|| identity.roles().contains("admin"))
		.abuseLimits(new AbuseLimits(100, 100, 1000, 1_000_000, 1000))
		.build();

	@Test
	void failedLoginGetsAnErrorThatDoesNotSayWhy() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT, "accept-version", "1.2", "login", "alice", "passcode", "wrong", "receipt", "c");
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("authentication failed");
		assertThat(error.bodyAsText()).doesNotContain("passcode");
		assertThat(error.header("receipt-id")).isEqualTo("c");
		assertThat(this.harness.broker().stats().authenticationFailures()).isEqualTo(1);
		assertThat(this.harness.broker().sessionCount()).isZero();
	}

	@Test
	void goodLoginConnectsAsTheUser() {
		StompClient client = this.harness.open();
		Frame connected = client.connect("login", "alice", "passcode", "secret");
		assertThat(connected.header("user-name")).isEqualTo("alice");
	}

	@Test
	void bearerTokenInConnectOrHandshakeAuthenticates() {
		StompClient header = this.harness.open();
		header.connect("Authorization", "Bearer " + TestAuthenticator.token("bob", Duration.ofMinutes(5)));
		assertThat(header.session().user()).isEqualTo("bob");
		StompClient handshake = this.harness.open("192.0.2.7", TestAuthenticator.token("carol", Duration.ofMinutes(5)));
		handshake.connect();
		assertThat(handshake.session().user()).isEqualTo("carol");
	}

	@Test
	void repeatedFailuresFromOneAddressAreAnsweredLaterAndLater() {
		failLogin(this.harness.open("198.51.100.1")).expectError();
		StompClient second = failLogin(this.harness.open("198.51.100.1"));
		assertThat(second.hasNext()).isFalse();
		second.send(Command.CONNECT, "accept-version", "1.2", "login", "alice", "passcode", "secret");
		assertThat(second.hasNext()).as("frames are ignored while the refusal waits").isFalse();
		this.harness.advanceMillis(99);
		assertThat(second.hasNext()).isFalse();
		this.harness.advanceMillis(1);
		assertThat(second.expectError().header("message")).isEqualTo("authentication failed");
		StompClient third = failLogin(this.harness.open("198.51.100.1"));
		this.harness.advanceMillis(199);
		assertThat(third.hasNext()).isFalse();
		this.harness.advanceMillis(1);
		third.expectError();
		StompClient elsewhere = failLogin(this.harness.open("198.51.100.2"));
		elsewhere.expectError();
		assertThat(this.harness.broker().stats().authenticationFailures()).isEqualTo(4);
	}

	@Test
	void throttleDelayIsCappedAndFailuresAreForgottenAfterAMinute() {
		for (int i = 0; i < 6; i++) {
			failLogin(this.harness.open("198.51.100.1"));
			this.harness.advanceMillis(1000);
		}
		StompClient capped = failLogin(this.harness.open("198.51.100.1"));
		this.harness.advanceMillis(1000);
		capped.expectError();
		this.harness.advanceMillis(61_000);
		failLogin(this.harness.open("198.51.100.1")).expectError();
	}

	@Test
	void expiredTokenEndsTheSession() {
		StompClient client = this.harness.open();
		client.connect("Authorization", "Bearer " + TestAuthenticator.token("bob", Duration.ofSeconds(60)));
		this.harness.advanceMillis(59_999);
		assertThat(client.session().isOpen()).isTrue();
		this.harness.advanceMillis(1);
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("token expired");
		assertThat(this.harness.broker().sessionCount()).isZero();
	}

	@Test
	void inBandRefreshExtendsTheSession() {
		StompClient client = this.harness.open();
		client.connect("Authorization", "Bearer " + TestAuthenticator.token("bob", Duration.ofSeconds(60)));
		this.harness.advanceMillis(30_000);
		client.publish("/herald/token", TestAuthenticator.token("bob", Duration.ofSeconds(120)), "receipt", "t");
		client.expectReceipt("t");
		this.harness.advanceMillis(60_000);
		assertThat(client.session().isOpen()).isTrue();
		this.harness.advanceMillis(60_000);
		assertThat(client.expectError().header("message")).isEqualTo("token expired");
		assertThat(this.harness.broker().stats().messagesPublished()).as("the token is never routed").isZero();
	}

	@Test
	void invalidRefreshTokenEndsTheSession() {
		StompClient client = this.harness.open();
		client.connect("Authorization", "Bearer " + TestAuthenticator.token("bob", Duration.ofSeconds(60)));
		client.publish("/herald/token", "garbage", "receipt", "t");
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("token refresh failed: malformed token");
		assertThat(error.header("receipt-id")).isEqualTo("t");
	}

	@Test
	void refreshTokenForAnotherUserEndsTheSession() {
		StompClient client = this.harness.open();
		client.connect("Authorization", "Bearer " + TestAuthenticator.token("bob", Duration.ofSeconds(60)));
		client.publish("/herald/token", TestAuthenticator.token("mallory", Duration.ofSeconds(600)), "receipt", "t");
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("token refresh failed: the token names another user");
		assertThat(error.header("receipt-id")).isEqualTo("t");
	}

	@Test
	void refreshIsRefusedWhenTheAuthenticatorDoesNotSupportIt() {
		StompClient client = BrokerHarness.builder()
			.authenticator((credentials) -> Identity.of("alice", Set.of()))
			.build()
			.connect();
		client.publish("/herald/token", "anything", "receipt", "t");
		assertThat(client.expectError().header("message"))
			.isEqualTo("token refresh failed: token refresh is not enabled on this broker");
	}

	@Test
	void deniedSubscribeNamesTheDestinationAndSubscribesNothing() {
		StompClient client = this.harness.connectAs("alice");
		client.subscribe("s", "/topic/secret.plans", "receipt", "s");
		Frame error = client.expectError();
		assertThat(error.header("message"))
			.isEqualTo("access denied: user 'alice' may not subscribe to '/topic/secret.plans'");
		assertThat(error.header("receipt-id")).isEqualTo("s");
		assertThat(this.harness.broker().router().topicSubscriptionCount()).isZero();
	}

	@Test
	void deniedSendNamesTheDestinationAndRoutesNothing() {
		BrokerHarness open = BrokerHarness.builder()
			.policy((identity, action, destination) -> action == Action.SUBSCRIBE)
			.build();
		StompClient subscriber = open.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = open.connect();
		publisher.publish("/topic/a", "x", "receipt", "p");
		Frame error = publisher.expectError();
		assertThat(error.header("message")).isEqualTo("access denied: an anonymous client may not send to '/topic/a'");
		assertThat(error.header("receipt-id")).isEqualTo("p");
		subscriber.expectNothingMore();
		assertThat(open.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void senderIsStampedAndASuppliedOneIsStripped() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient alice = this.harness.connectAs("alice");
		alice.publish("/topic/a", "1", Broker.SENDER_HEADER, "mallory");
		Frame message = subscriber.next(Command.MESSAGE);
		assertThat(message.headers().size()).isEqualTo(5);
		assertThat(message.header(Broker.SENDER_HEADER)).isEqualTo("alice");
		assertThat(countHeaders(message, Broker.SENDER_HEADER)).isEqualTo(1);
	}

	@Test
	void anonymousSenderIsStampedWithItsAssignedNameAndCannotForgeOne() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient anonymous = this.harness.connect();
		anonymous.publish("/topic/a", "1", Broker.SENDER_HEADER, "alice");
		Frame message = subscriber.next(Command.MESSAGE);
		assertThat(message.header(Broker.SENDER_HEADER)).isEqualTo("anonymous-" + anonymous.session().id());
		assertThat(countHeaders(message, Broker.SENDER_HEADER)).isEqualTo(1);
	}

	@Test
	void anonymousLoginCannotClaimAnotherUsersQueue() {
		BrokerHarness open = BrokerHarness.create();
		StompClient first = open.connect("login", "alice");
		first.subscribe("u", "/user/queue/inbox");
		StompClient second = open.connect("login", "alice");
		second.subscribe("u", "/user/queue/inbox");
		open.connect().publish("/user/alice/queue/inbox", "for alice");
		open.connect().publish("/user/" + first.session().user() + "/queue/inbox", "for the first");
		assertThat(first.next(Command.MESSAGE).bodyAsText()).isEqualTo("for the first");
		first.expectNothingMore();
		second.expectNothingMore();
	}

	@Test
	void anonymousSessionCannotRefreshIntoAUser() {
		StompClient anonymous = this.harness.connect();
		anonymous.publish("/herald/token",
				TestAuthenticator.token("anonymous-" + anonymous.session().id(), Duration.ofMinutes(1)), "receipt",
				"t");
		assertThat(anonymous.expectError().header("message"))
			.isEqualTo("token refresh failed: an anonymous session has no token to refresh");
	}

	@Test
	void inProcessPublishCannotForgeASender() throws DestinationException {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		this.harness.broker()
			.publish("/topic/a", Headers.builder().add(Broker.SENDER_HEADER, "alice").add("x", "y").build(),
					new byte[] { 'z' });
		Frame message = subscriber.next(Command.MESSAGE);
		assertThat(message.header(Broker.SENDER_HEADER)).isNull();
		assertThat(message.header("x")).isEqualTo("y");
	}

	private static StompClient failLogin(StompClient client) {
		return client.send(Command.CONNECT, "accept-version", "1.2", "login", "alice", "passcode", "wrong");
	}

	private static long countHeaders(Frame frame, String name) {
		long[] count = { 0 };
		frame.headers().forEach((header, value) -> count[0] += header.equals(name) ? 1 : 0);
		return count[0];
	}

}
