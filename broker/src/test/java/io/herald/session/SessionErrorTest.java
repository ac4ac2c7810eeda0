package io.herald.session;

import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.FrameLimits;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every protocol violation ends the session the same way: one ERROR with a
 * {@code message} header and the {@code receipt-id} the offending frame asked for, then
 * the close, counted as a protocol error.
 */
class SessionErrorTest {

	private static final String RECEIPT = "r-bad";

	static Stream<Arguments> violations() {
		return Stream.of(
				violation("frame before CONNECT", null,
						(c) -> c.send(Command.SEND, "destination", "/topic/a", "receipt", RECEIPT),
						"not connected: the first frame must be CONNECT or STOMP, got SEND"),
				violation("second CONNECT", BrokerHarness::connect,
						(c) -> c.send(Command.CONNECT, "accept-version", "1.2", "receipt", RECEIPT),
						"already connected: CONNECT sent twice"),
				violation("invalid heart-beat", null,
						(c) -> c.send(Command.CONNECT, "accept-version", "1.2", "heart-beat", "10", "receipt", RECEIPT),
						"invalid heart-beat header '10'"),
				violation("negative heart-beat", null,
						(c) -> c.send(Command.CONNECT, "accept-version", "1.2", "heart-beat", "-1,0", "receipt",
								RECEIPT),
						"expected two non-negative numbers"),
				violation("server command from client", BrokerHarness::connect,
						(c) -> c.send(Command.MESSAGE, "receipt", RECEIPT), "MESSAGE is not a client command"),
				violation("SEND without destination", BrokerHarness::connect,
						(c) -> c.send(Command.SEND, "receipt", RECEIPT), "missing required header 'destination'"),
				violation("SEND to an unserved destination", BrokerHarness::connect,
						(c) -> c.send(Command.SEND, "destination", "/exchange/a", "receipt", RECEIPT),
						"destination '/exchange/a' is not served"),
				violation("SEND with a wildcard", BrokerHarness::connect,
						(c) -> c.send(Command.SEND, "destination", "/topic/a.*", "receipt", RECEIPT), "wildcard"),
				violation("SUBSCRIBE without id", BrokerHarness::connect,
						(c) -> c.send(Command.SUBSCRIBE, "destination", "/topic/a", "receipt", RECEIPT),
						"missing required header 'id'"),
				violation("SUBSCRIBE without destination", BrokerHarness::connect,
						(c) -> c.send(Command.SUBSCRIBE, "id", "1", "receipt", RECEIPT),
						"missing required header 'destination'"),
				violation("duplicate subscription id", (h) -> h.connect().subscribe("1", "/topic/a"),
						(c) -> c.subscribe("1", "/topic/b", "receipt", RECEIPT),
						"duplicate subscription id '1' in this session"),
				violation("invalid ack mode", BrokerHarness::connect,
						(c) -> c.subscribe("1", "/topic/a", "ack", "sometimes", "receipt", RECEIPT),
						"invalid ack mode 'sometimes'"),
				violation("SUBSCRIBE to an unserved destination", BrokerHarness::connect,
						(c) -> c.subscribe("1", "/nowhere", "receipt", RECEIPT),
						"destination '/nowhere' is not served"),
				violation("UNSUBSCRIBE without id", BrokerHarness::connect,
						(c) -> c.send(Command.UNSUBSCRIBE, "receipt", RECEIPT), "missing required header 'id'"),
				violation("UNSUBSCRIBE unknown id", BrokerHarness::connect,
						(c) -> c.send(Command.UNSUBSCRIBE, "id", "7", "receipt", RECEIPT), "unknown subscription '7'"),
				violation("ACK without id", BrokerHarness::connect, (c) -> c.send(Command.ACK, "receipt", RECEIPT),
						"missing required header 'id'"),
				violation("ACK of an unknown id", BrokerHarness::connect,
						(c) -> c.send(Command.ACK, "id", "1-1", "receipt", RECEIPT), "unknown ack id '1-1'"),
				violation("NACK of a malformed id", BrokerHarness::connect,
						(c) -> c.send(Command.NACK, "id", "x-1", "receipt", RECEIPT), "unknown ack id 'x-1'"),
				violation("ACK on an auto subscription", (h) -> h.connect().subscribe("s", "/topic/a"),
						(c) -> c.send(Command.ACK, "id", "1-1", "receipt", RECEIPT), "unknown ack id '1-1' in ACK"),
				violation("BEGIN without transaction", BrokerHarness::connect,
						(c) -> c.send(Command.BEGIN, "receipt", RECEIPT), "missing required header 'transaction'"),
				violation("BEGIN twice", (h) -> h.connect().send(Command.BEGIN, "transaction", "t"),
						(c) -> c.send(Command.BEGIN, "transaction", "t", "receipt", RECEIPT),
						"transaction 't' is already open"),
				violation("COMMIT unknown", BrokerHarness::connect,
						(c) -> c.send(Command.COMMIT, "transaction", "t", "receipt", RECEIPT),
						"unknown transaction 't'"),
				violation("ABORT unknown", BrokerHarness::connect,
						(c) -> c.send(Command.ABORT, "transaction", "t", "receipt", RECEIPT),
						"unknown transaction 't'"),
				violation("SEND in an unknown transaction", BrokerHarness::connect,
						(c) -> c.publish("/topic/a", "x", "transaction", "t", "receipt", RECEIPT),
						"unknown transaction 't'"),
				violation("malformed header", BrokerHarness::connect,
						(c) -> c.sendRaw("SEND\ndestination:/topic/a\nreceipt:" + RECEIPT + "\nnocolon\n\n\0"),
						"header"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("violations")
	void violationGetsOneErrorWithReceiptIdThenClose(String name, Setup setup, Consumer<StompClient> offend,
			String expectedMessage) {
		BrokerHarness harness = BrokerHarness.create();
		StompClient client = setup.open(harness);
		client.drain();
		offend.accept(client);
		Frame error = client.expectError();
		assertThat(error.header("message")).contains(expectedMessage);
		assertThat(error.header("receipt-id")).isEqualTo(RECEIPT);
		assertThat(error.header("content-type")).isEqualTo("text/plain");
		assertThat(error.bodyAsText()).isEqualTo(error.header("message"));
		assertThat(harness.broker().stats().protocolErrors()).isEqualTo(1);
		assertThat(harness.broker().stats().messagesPublished()).isZero();
		assertThat(harness.broker().sessionCount()).isZero();
	}

	@Test
	void violationWithoutReceiptHasNoReceiptId() {
		BrokerHarness harness = BrokerHarness.create();
		StompClient client = harness.connect();
		client.send(Command.UNSUBSCRIBE, "id", "7");
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("unknown subscription '7'");
		assertThat(error.header("receipt-id")).isNull();
	}

	@Test
	void unreadableCommandLineGetsErrorWithoutReceiptId() {
		BrokerHarness harness = BrokerHarness.create();
		StompClient client = harness.connect();
		client.drain();
		client.sendRaw("FLY\nreceipt:r\n\n\0");
		Frame error = client.expectError();
		assertThat(error.header("message")).contains("unknown command 'FLY'");
		assertThat(error.header("receipt-id")).isNull();
		assertThat(harness.broker().stats().protocolErrors()).isEqualTo(1);
	}

	@Test
	void frameOverTheSizeLimitGetsErrorNamingTheLimit() {
		BrokerHarness harness = BrokerHarness.builder()
			.settings((s) -> s.frameLimits(new FrameLimits(1024, 512, 16)))
			.build();
		StompClient client = harness.connect();
		client.publish("/topic/a", "x".repeat(2000), "receipt", RECEIPT);
		Frame error = client.expectError();
		assertThat(error.header("message")).contains("exceeds the limit of 1024 bytes");
		assertThat(error.header("receipt-id")).isEqualTo(RECEIPT);
		assertThat(harness.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void subscriptionsBeyondTheLimitAreRefused() {
		BrokerHarness harness = BrokerHarness.builder().settings((s) -> s.maxSubscriptions(2)).build();
		StompClient client = harness.connect();
		client.subscribe("1", "/topic/a").subscribe("2", "/topic/b").subscribe("3", "/topic/c", "receipt", RECEIPT);
		Frame error = client.expectError();
		assertThat(error.header("message"))
			.isEqualTo("subscription '3' exceeds the limit of 2 subscriptions per session");
		assertThat(error.header("receipt-id")).isEqualTo(RECEIPT);
		assertThat(harness.broker().router().topicSubscriptionCount()).isZero();
	}

	@Test
	void fullQueueRefusesTheSendWithAnError() {
		BrokerHarness harness = BrokerHarness.builder().maxQueueLength(1).build();
		StompClient client = harness.connect();
		client.publish("/queue/jobs", "1").publish("/queue/jobs", "2", "receipt", RECEIPT);
		Frame error = client.expectError();
		assertThat(error.header("message"))
			.isEqualTo("queue '/queue/jobs' is full: it holds its limit of 1 messages (herald.queues.max-length)");
		assertThat(error.header("receipt-id")).isEqualTo(RECEIPT);
		assertThat(harness.broker().stats().messagesPublished()).isEqualTo(1);
		assertThat(harness.broker().stats().protocolErrors()).isEqualTo(1);
	}

	@Test
	void framesAfterAnErrorAreIgnored() {
		BrokerHarness harness = BrokerHarness.create();
		StompClient client = harness.connect();
		client.drain();
		client.sendRaw("UNSUBSCRIBE\nid:7\n\n\0SEND\ndestination:/topic/a\nreceipt:r\n\n\0");
		client.expectError();
		assertThat(harness.broker().stats().messagesPublished()).isZero();
		assertThat(harness.broker().stats().protocolErrors()).isEqualTo(1);
	}

	@Test
	void failingAuthenticatorEndsTheSessionWithAnErrorWithoutDetails() {
		BrokerHarness harness = BrokerHarness.builder().authenticator((credentials) -> {
			throw new IllegalStateException("key store unreadable at /secret/path");
		}).build();
		StompClient client = harness.open();
		client.send(Command.CONNECT, "accept-version", "1.2", "receipt", "c");
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("internal error while handling CONNECT");
		assertThat(error.header("receipt-id")).isEqualTo("c");
		assertThat(harness.broker().stats().protocolErrors()).isEqualTo(1);
		assertThat(harness.broker().sessionCount()).isZero();
	}

	@Test
	void failingPolicyEndsTheSessionAndRoutesNothing() {
		BrokerHarness harness = BrokerHarness.builder().policy((identity, action, destination) -> {
			throw new IllegalArgumentException("bad rule");
		}).build();
		StompClient client = harness.connect();
		client.publish("/topic/a", "x");
		assertThat(client.expectError().header("message")).isEqualTo("internal error while handling SEND");
		assertThat(harness.broker().stats().messagesPublished()).isZero();
	}

	interface Setup {

		StompClient open(BrokerHarness harness);

	}

	private static Arguments violation(String name, Setup setup, Consumer<StompClient> offend, String message) {
		Setup opening = (setup != null) ? setup : BrokerHarness::open;
		return Arguments.of(name, opening, offend, message);
	}

}
