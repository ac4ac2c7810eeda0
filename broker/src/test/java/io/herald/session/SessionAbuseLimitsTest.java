package io.herald.session;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SessionAbuseLimitsTest {

	@Test
	void connectionsBeyondTheTotalLimitAreRefused() {
		BrokerHarness harness = harness(new AbuseLimits(2, 0, 0, 0, 0));
		StompClient first = harness.open("198.51.100.1");
		harness.open("198.51.100.2");
		StompClient third = harness.open("198.51.100.3");
		Frame error = third.expectError();
		assertThat(error.header("message"))
			.isEqualTo("connection refused: the broker exceeds the limit of 2 connections");
		assertThat(harness.broker().stats().connectionsRefused()).isEqualTo(1);
		assertThat(harness.broker().stats().protocolErrors()).isZero();
		assertThat(harness.broker().sessionCount()).isEqualTo(2);
		first.closeSocket();
		StompClient fourth = harness.open("198.51.100.4");
		fourth.connect();
		assertThat(fourth.session().isOpen()).isTrue();
	}

	@Test
	void connectionsBeyondThePerAddressLimitAreRefused() {
		BrokerHarness harness = harness(new AbuseLimits(0, 2, 0, 0, 0));
		StompClient first = harness.open("198.51.100.1");
		harness.open("198.51.100.1");
		StompClient third = harness.open("198.51.100.1");
		assertThat(third.expectError().header("message"))
			.isEqualTo("connection refused: address 198.51.100.1 exceeds the limit of 2 connections");
		harness.open("198.51.100.2").connect();
		first.connect();
		first.send(Command.DISCONNECT);
		harness.open("198.51.100.1").connect();
		assertThat(harness.broker().stats().connectionsRefused()).isEqualTo(1);
	}

	@Test
	void refusedConnectionsDoNotUseUpTheAddressAllowance() {
		BrokerHarness harness = harness(new AbuseLimits(0, 1, 0, 0, 0));
		StompClient first = harness.open("198.51.100.1");
		for (int i = 0; i < 5; i++) {
			harness.open("198.51.100.1").expectError();
		}
		first.closeSocket();
		StompClient again = harness.open("198.51.100.1");
		again.connect();
		assertThat(again.session().isOpen()).isTrue();
	}

	@Test
	void zeroTurnsTheConnectionLimitsOff() {
		BrokerHarness harness = harness(new AbuseLimits(0, 0, 0, 0, 0));
		for (int i = 0; i < 50; i++) {
			harness.open("198.51.100.1").connect();
		}
		assertThat(harness.broker().sessionCount()).isEqualTo(50);
	}

	@Test
	void framesBeyondTheRateAreRefused() {
		BrokerHarness harness = harness(new AbuseLimits(0, 0, 5, 0, 0));
		StompClient client = harness.connect();
		for (int i = 0; i < 4; i++) {
			client.publish("/topic/a", "x");
		}
		client.publish("/topic/a", "x", "receipt", "r");
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("inbound rate exceeds the limit of 5 frames per second");
		assertThat(error.header("receipt-id")).isEqualTo("r");
		assertThat(harness.broker().stats().messagesPublished()).isEqualTo(4);
		assertThat(harness.broker().stats().protocolErrors()).isEqualTo(1);
	}

	@Test
	void frameRateRefillsOverTime() {
		BrokerHarness harness = harness(new AbuseLimits(0, 0, 5, 0, 0));
		StompClient client = harness.connect();
		for (int second = 0; second < 10; second++) {
			harness.advanceMillis(1000);
			for (int i = 0; i < 5; i++) {
				client.publish("/topic/a", "x");
			}
		}
		assertThat(client.session().isOpen()).isTrue();
		assertThat(harness.broker().stats().messagesPublished()).isEqualTo(50);
	}

	@Test
	void bytesBeyondTheRateAreRefused() {
		BrokerHarness harness = harness(new AbuseLimits(0, 0, 0, 1000, 0));
		StompClient client = harness.connect();
		client.publish("/topic/a", "x".repeat(500));
		client.publish("/topic/a", "x".repeat(500));
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("inbound rate exceeds the limit of 1000 bytes per second");
		assertThat(harness.broker().stats().messagesPublished()).isEqualTo(1);
	}

	@Test
	void byteRateRefillsOverTime() {
		BrokerHarness harness = harness(new AbuseLimits(0, 0, 0, 1000, 0));
		StompClient client = harness.connect();
		for (int i = 0; i < 10; i++) {
			harness.advanceMillis(1000);
			client.publish("/topic/a", "x".repeat(800));
		}
		assertThat(client.session().isOpen()).isTrue();
	}

	@Test
	void limitsMustNotBeNegative() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AbuseLimits(-1, 0, 0, 0, 0))
			.withMessageContaining("must not be negative");
	}

	private static BrokerHarness harness(AbuseLimits limits) {
		return BrokerHarness.builder().abuseLimits(limits).build();
	}

	@Test
	void destinationsBeyondTheSegmentLimitGetAnErrorNamingIt() {
		String within = String.join(".", java.util.Collections.nCopies(32, "#"));
		String beyond = String.join(".", java.util.Collections.nCopies(33, "a"));
		StompClient subscriber = BrokerHarness.create().connect();
		subscriber.subscribe("s1", "/topic/" + within, "receipt", "r1");
		subscriber.expectReceipt("r1");
		subscriber.subscribe("s2", "/topic/" + beyond.replace('a', '*'));
		assertThat(subscriber.expectError().header("message")).isEqualTo(
				"destination has 33 segments, more than the limit of 32 (herald.limits.max-destination-segments)");
		assertThat(subscriber.session().closeReason()).isEqualTo(CloseReason.LIMIT_EXCEEDED);

		StompClient sender = BrokerHarness.create().connect();
		sender.publish("/topic/" + beyond, "x");
		assertThat(sender.expectError().header("message")).contains("herald.limits.max-destination-segments");
		assertThat(sender.session().closeReason()).isEqualTo(CloseReason.LIMIT_EXCEEDED);
	}

	@Test
	void inProcessPublishBeyondTheSegmentLimitIsRefused() {
		BrokerHarness harness = BrokerHarness.create();
		assertThatExceptionOfType(io.herald.routing.DestinationException.class)
			.isThrownBy(() -> harness.broker()
				.publish("/queue/" + String.join(".", java.util.Collections.nCopies(40, "q")),
						io.herald.protocol.Headers.builder().build(), new byte[0]))
			.withMessageContaining("herald.limits.max-destination-segments");
	}

}
