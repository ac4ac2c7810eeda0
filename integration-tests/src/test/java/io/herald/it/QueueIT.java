package io.herald.it;

import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point-to-point {@code /queue/…} over every transport: competing consumers, buffering,
 * the three ack modes, NACK and redelivery of what a consumer left unacknowledged.
 */
class QueueIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	private static String queue(String name) {
		return "/queue/" + HeraldServer.unique(name);
	}

	private static void sendAll(StompConnection publisher, String destination, String... bodies) {
		for (String body : bodies) {
			publisher.publish(destination, body);
		}
		// the receipt of a later frame fences the SENDs before it
		publisher.sendWithReceipt(StompFrame.create("BEGIN").header("transaction", "fence"));
		publisher.sendWithReceipt(StompFrame.create("ABORT").header("transaction", "fence"));
	}

	@OverEveryTransport
	void competingConsumersShareMessagesRoundRobin(Transport transport) {
		String queue = queue("rr");
		try (StompConnection first = transport.connect(server);
				StompConnection second = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			first.subscribe(queue, "c1");
			second.subscribe(queue, "c2");
			sendAll(publisher, queue, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
			List<StompFrame> toFirst = first.receiveMessages(5, StompConnection.WAIT);
			List<StompFrame> toSecond = second.receiveMessages(5, StompConnection.WAIT);
			List<Integer> firstBodies = toFirst.stream().map((m) -> Integer.valueOf(m.bodyText())).toList();
			List<Integer> secondBodies = toSecond.stream().map((m) -> Integer.valueOf(m.bodyText())).toList();
			assertThat(firstBodies).isSorted().doesNotContainAnyElementsOf(secondBodies);
			assertThat(secondBodies).isSorted();
			first.expectNoFrame(java.time.Duration.ofMillis(200));
			second.expectNoFrame(java.time.Duration.ofMillis(10));
			assertThat(toFirst).allSatisfy((m) -> {
				assertThat(m.header("destination")).isEqualTo(queue);
				assertThat(m.header("subscription")).isEqualTo("c1");
				assertThat(m.header("ack")).as("no ack header in auto mode").isNull();
			});
		}
	}

	@OverEveryTransport
	void messagesAreBufferedWhileNobodyListens(Transport transport) {
		String queue = queue("buffered");
		try (StompConnection publisher = transport.connect(server)) {
			sendAll(publisher, queue, "a", "b", "c");
			publisher.disconnect();
		}
		try (StompConnection consumer = transport.connect(server)) {
			consumer.send(StompFrame.create("SUBSCRIBE")
				.header("destination", queue)
				.header("id", "late")
				.header("receipt", "late-sub"));
			// buffered messages flow only after the RECEIPT of the SUBSCRIBE
			assertThat(consumer.receive().header("receipt-id")).isEqualTo("late-sub");
			assertThat(consumer.receiveMessages(3, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("a", "b", "c");
		}
		try (StompConnection another = transport.connect(server)) {
			another.subscribe(queue, "later");
			another.expectNoFrame(java.time.Duration.ofMillis(300));
		}
	}

	@OverEveryTransport
	void clientAckIsCumulativeAndTheRestIsRedeliveredAfterDisconnect(Transport transport) {
		String queue = queue("client-ack");
		try (StompConnection consumer = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client");
			sendAll(publisher, queue, "m1", "m2", "m3");
			List<StompFrame> messages = consumer.receiveMessages(3, StompConnection.WAIT);
			assertThat(messages).allSatisfy((m) -> assertThat(m.header("ack")).isNotBlank());
			// acknowledges m1 and m2
			consumer.sendWithReceipt(StompFrame.create("ACK").header("id", messages.get(1).header("ack")));
			consumer.disconnect();
		}
		try (StompConnection next = transport.connect(server)) {
			next.subscribe(queue, "n");
			StompFrame redelivered = next.receive("MESSAGE");
			assertThat(redelivered.bodyText()).isEqualTo("m3");
			assertThat(redelivered.header("redelivered")).isEqualTo("true");
			next.expectNoFrame(java.time.Duration.ofMillis(300));
		}
	}

	@OverEveryTransport
	void clientIndividualAckSettlesOnlyTheOneMessage(Transport transport) {
		String queue = queue("individual");
		try (StompConnection consumer = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client-individual");
			sendAll(publisher, queue, "m1", "m2", "m3");
			List<StompFrame> messages = consumer.receiveMessages(3, StompConnection.WAIT);
			consumer.sendWithReceipt(StompFrame.create("ACK").header("id", messages.get(0).header("ack")));
			consumer.sendWithReceipt(StompFrame.create("ACK").header("id", messages.get(2).header("ack")));
			// the socket just goes away: no DISCONNECT
		}
		try (StompConnection next = transport.connect(server)) {
			next.subscribe(queue, "n");
			StompFrame redelivered = next.receive("MESSAGE");
			assertThat(redelivered.bodyText()).isEqualTo("m2");
			assertThat(redelivered.header("redelivered")).isEqualTo("true");
			next.expectNoFrame(java.time.Duration.ofMillis(300));
		}
	}

	@OverEveryTransport
	void ackingTwiceIsAnError(Transport transport) {
		String queue = queue("twice");
		try (StompConnection consumer = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client-individual");
			consumer.publish(queue, "once");
			String ack = consumer.receive("MESSAGE").header("ack");
			consumer.sendWithReceipt(StompFrame.create("ACK").header("id", ack));
			consumer.send(StompFrame.create("ACK").header("id", ack).header("receipt", "again"));
			StompFrame error = consumer.expectErrorAndClose();
			assertThat(error.header("message")).contains("unknown ack id '" + ack + "'");
			assertThat(error.header("receipt-id")).isEqualTo("again");
		}
	}

	@OverEveryTransport
	void nackRedeliversWithRedeliveredHeader(Transport transport) {
		String queue = queue("nack");
		try (StompConnection consumer = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client-individual");
			consumer.send(StompFrame.create("SEND")
				.header("destination", queue)
				.header("x-order", "42")
				.header("content-type", "text/plain")
				.body("retry me"));
			StompFrame first = consumer.receive("MESSAGE");
			assertThat(first.header("redelivered")).isNull();
			consumer.send(StompFrame.create("NACK").header("id", first.header("ack")));
			StompFrame again = consumer.receive("MESSAGE");
			assertThat(again.bodyText()).isEqualTo("retry me");
			assertThat(again.header("redelivered")).isEqualTo("true");
			assertThat(again.header("x-order")).isEqualTo("42");
			assertThat(again.header("content-type")).isEqualTo("text/plain");
			assertThat(again.header("ack")).isNotEqualTo(first.header("ack"));
			consumer.sendWithReceipt(StompFrame.create("ACK").header("id", again.header("ack")));
			consumer.expectNoFrame(java.time.Duration.ofMillis(300));
		}
	}

	@OverEveryTransport
	void unsubscribeHandsUnackedMessagesToAnotherConsumer(Transport transport) {
		String queue = queue("unsub");
		try (StompConnection greedy = transport.connect(server); StompConnection other = transport.connect(server)) {
			greedy.subscribe(queue, "g", "ack", "client");
			greedy.publish(queue, "pending");
			assertThat(greedy.receive("MESSAGE").bodyText()).isEqualTo("pending");
			other.subscribe(queue, "o");
			greedy.unsubscribe("g");
			StompFrame handedOver = other.receive("MESSAGE");
			assertThat(handedOver.bodyText()).isEqualTo("pending");
			assertThat(handedOver.header("redelivered")).isEqualTo("true");
		}
	}

	@OverEveryTransport
	void stomp11ClientAcksByMessageId(Transport transport) {
		String queue = queue("v11");
		try (StompConnection consumer = transport.open(server)) {
			consumer.send(StompFrame.create("CONNECT").header("accept-version", "1.1").header("host", "localhost"));
			assertThat(consumer.receive("CONNECTED").header("version")).isEqualTo("1.1");
			consumer.subscribe(queue, "c", "ack", "client");
			consumer.publish(queue, "eleven");
			StompFrame message = consumer.receive("MESSAGE");
			consumer.sendWithReceipt(StompFrame.create("ACK")
				.header("message-id", message.header("message-id"))
				.header("subscription", "c"));
			consumer.disconnect();
		}
		try (StompConnection next = transport.connect(server)) {
			next.subscribe(queue, "n");
			next.expectNoFrame(java.time.Duration.ofMillis(300));
		}
	}

	@OverEveryTransport
	void nackInClientModeIsCumulative(Transport transport) {
		String queue = queue("nack-client");
		try (StompConnection consumer = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client");
			sendAll(publisher, queue, "m1", "m2", "m3");
			List<StompFrame> first = consumer.receiveMessages(3, StompConnection.WAIT);
			// rejects m1 and m2; m3 stays delivered and unacknowledged
			consumer.send(StompFrame.create("NACK").header("id", first.get(1).header("ack")));
			List<StompFrame> again = consumer.receiveMessages(2, StompConnection.WAIT);
			assertThat(again).extracting(StompFrame::bodyText).containsExactly("m1", "m2");
			assertThat(again).allSatisfy((m) -> assertThat(m.header("redelivered")).isEqualTo("true"));
			consumer.sendWithReceipt(StompFrame.create("ACK").header("id", again.get(1).header("ack")));
			consumer.expectNoFrame(java.time.Duration.ofMillis(200));
		}
	}

}
