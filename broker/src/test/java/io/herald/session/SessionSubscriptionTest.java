package io.herald.session;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.StompVersion;
import io.herald.support.BrokerHarness;
import io.herald.support.RecordingConnection;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

class SessionSubscriptionTest {

	private final BrokerHarness harness = BrokerHarness.builder().testAuthenticator().build();

	@Test
	void topicMessageCarriesSubscriptionMessageIdDestinationAndCustomHeaders() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s-1", "/topic/prices.*", "receipt", "sub");
		subscriber.expectReceipt("sub");
		StompClient publisher = this.harness.connect();
		publisher.publish("/topic/prices.AAPL", "42.0", "content-type", "text/plain", "x-custom", "a:b", "receipt",
				"p");
		publisher.expectReceipt("p");
		Frame message = subscriber.next(Command.MESSAGE);
		assertThat(message.header("subscription")).isEqualTo("s-1");
		assertThat(message.header("destination")).isEqualTo("/topic/prices.AAPL");
		assertThat(message.header("message-id")).isNotBlank();
		assertThat(message.header("ack")).as("auto mode").isNull();
		assertThat(message.header("content-type")).isEqualTo("text/plain");
		assertThat(message.header("x-custom")).isEqualTo("a:b");
		assertThat(message.header("receipt")).isNull();
		assertThat(message.bodyAsText()).isEqualTo("42.0");
		assertThat(this.harness.broker().stats().messagesPublished()).isEqualTo(1);
	}

	@Test
	void publisherSubscribedToItsOwnTopicGetsItsMessage() {
		StompClient client = this.harness.connect();
		client.subscribe("s", "/topic/a").publish("/topic/a", "echo");
		assertThat(client.next(Command.MESSAGE).bodyAsText()).isEqualTo("echo");
	}

	@Test
	void binaryBodyTravelsInABinaryFrame() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = this.harness.connect();
		byte[] body = { 0, (byte) 0xff, 1, 0 };
		publisher.sendFrame(StompClient.frame(Command.SEND, body, "destination", "/topic/a"));
		publisher.publish("/topic/a", "text");
		RecordingConnection.Received binary = subscriber.nextReceived();
		assertThat(binary.frame().body()).isEqualTo(body);
		assertThat(binary.binary()).isTrue();
		assertThat(subscriber.nextReceived().binary()).isFalse();
	}

	@Test
	void unsubscribeStopsDeliveries() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		subscriber.send(Command.UNSUBSCRIBE, "id", "s", "receipt", "u");
		subscriber.expectReceipt("u");
		this.harness.connect().publish("/topic/a", "1");
		subscriber.expectNothingMore();
		assertThat(this.harness.broker().router().topicSubscriptionCount()).isZero();
	}

	@Test
	void subscriptionIdCanBeReusedAfterUnsubscribe() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a").send(Command.UNSUBSCRIBE, "id", "s");
		subscriber.subscribe("s", "/topic/b", "receipt", "again");
		subscriber.expectReceipt("again");
	}

	@Test
	void queueMessagesGoRoundRobinToCompetingConsumers() {
		StompClient a = this.harness.connect();
		a.subscribe("q", "/queue/jobs");
		StompClient b = this.harness.connect();
		b.subscribe("q", "/queue/jobs");
		StompClient publisher = this.harness.connect();
		for (int i = 1; i <= 4; i++) {
			publisher.publish("/queue/jobs", Integer.toString(i));
		}
		assertThat(bodies(a.drain())).containsExactly("1", "3");
		assertThat(bodies(b.drain())).containsExactly("2", "4");
	}

	@Test
	void bufferedQueueMessagesFlowOnlyAfterTheSubscribeReceipt() {
		StompClient publisher = this.harness.connect();
		publisher.publish("/queue/jobs", "1").publish("/queue/jobs", "2");
		StompClient consumer = this.harness.connect();
		consumer.subscribe("q", "/queue/jobs", "receipt", "sub");
		consumer.expectReceipt("sub");
		assertThat(bodies(consumer.drain())).containsExactly("1", "2");
	}

	@Test
	void clientAckIsCumulative() {
		StompClient consumer = queueConsumer("client", 3);
		List<Frame> messages = consumer.drain();
		assertThat(messages).hasSize(3);
		assertThat(messages.get(0).header("ack")).isEqualTo(messages.get(0).header("message-id"));
		consumer.send(Command.ACK, "id", messages.get(1).header("ack"), "receipt", "a");
		consumer.expectReceipt("a");
		SessionSubscription subscription = consumer.session().findSubscriptionByIndex(1);
		assertThat(subscription.holds(messages.get(0).header("ack"))).isFalse();
		assertThat(subscription.holds(messages.get(1).header("ack"))).isFalse();
		assertThat(subscription.holds(messages.get(2).header("ack"))).isTrue();
		consumer.closeSocket();
		assertThat(bodies(redeliveredTo(this.harness.connect()))).containsExactly("3");
	}

	@Test
	void clientIndividualAckSettlesOnlyThatMessage() {
		StompClient consumer = queueConsumer("client-individual", 3);
		List<Frame> messages = consumer.drain();
		consumer.send(Command.ACK, "id", messages.get(1).header("ack"));
		consumer.closeSocket();
		assertThat(bodies(redeliveredTo(this.harness.connect()))).containsExactly("1", "3");
	}

	@Test
	void ackTwiceIsAnError() {
		StompClient consumer = queueConsumer("client-individual", 1);
		String ack = consumer.next(Command.MESSAGE).header("ack");
		consumer.send(Command.ACK, "id", ack);
		consumer.send(Command.ACK, "id", ack, "receipt", "again");
		Frame error = consumer.expectError();
		assertThat(error.header("message")).contains("unknown ack id '" + ack + "'");
		assertThat(error.header("receipt-id")).isEqualTo("again");
	}

	@Test
	void nackRedeliversToTheHeadOfTheQueue() {
		StompClient consumer = queueConsumer("client-individual", 2);
		List<Frame> messages = consumer.drain();
		consumer.send(Command.NACK, "id", messages.get(0).header("ack"), "receipt", "n");
		Frame redelivered = consumer.next(Command.MESSAGE);
		assertThat(redelivered.bodyAsText()).isEqualTo("1");
		assertThat(redelivered.header("redelivered")).isEqualTo("true");
		assertThat(redelivered.header("ack")).isNotEqualTo(messages.get(0).header("ack"));
		consumer.expectReceipt("n");
	}

	@Test
	void clientNackIsCumulative() {
		StompClient consumer = queueConsumer("client", 2);
		List<Frame> messages = consumer.drain();
		consumer.send(Command.NACK, "id", messages.get(1).header("ack"));
		assertThat(bodies(consumer.drain())).containsExactly("1", "2");
	}

	@Test
	void unackedMessagesAreRedeliveredWhenTheSubscriberLeaves() {
		StompClient consumer = queueConsumer("client", 2);
		consumer.drain();
		consumer.send(Command.UNSUBSCRIBE, "id", "q");
		List<Frame> redelivered = redeliveredTo(this.harness.connect());
		assertThat(bodies(redelivered)).containsExactly("1", "2");
		assertThat(redelivered).allSatisfy((frame) -> assertThat(frame.header("redelivered")).isEqualTo("true"));
	}

	@Test
	void autoAckMessagesAreNotRedelivered() {
		StompClient consumer = queueConsumer("auto", 2);
		consumer.drain();
		consumer.closeSocket();
		StompClient next = this.harness.connect();
		next.subscribe("q", "/queue/jobs");
		next.expectNothingMore();
	}

	@Test
	void consumerHoldsAtMostItsUnackedLimitFromAQueue() {
		BrokerHarness limited = BrokerHarness.builder().settings((s) -> s.maxUnackedPerSubscription(2)).build();
		StompClient publisher = limited.connect();
		for (int i = 1; i <= 5; i++) {
			publisher.publish("/queue/jobs", Integer.toString(i));
		}
		StompClient consumer = limited.connect();
		consumer.subscribe("q", "/queue/jobs", "ack", "client-individual");
		List<Frame> first = consumer.drain();
		assertThat(bodies(first)).containsExactly("1", "2");
		assertThat(limited.broker().router().queueDepth("jobs")).isEqualTo(3);
		consumer.send(Command.ACK, "id", first.get(0).header("ack"));
		assertThat(bodies(consumer.drain())).containsExactly("3");
		assertThat(consumer.session().isOpen()).isTrue();
	}

	@Test
	void topicSubscriberOverItsUnackedLimitIsDisconnected() {
		BrokerHarness limited = BrokerHarness.builder().settings((s) -> s.maxUnackedPerSubscription(2)).build();
		StompClient subscriber = limited.connect();
		subscriber.subscribe("t", "/topic/a", "ack", "client");
		StompClient publisher = limited.connect();
		publisher.publish("/topic/a", "1").publish("/topic/a", "2").publish("/topic/a", "3");
		assertThat(bodies(List.of(subscriber.next(), subscriber.next()))).containsExactly("1", "2");
		Frame error = subscriber.expectError();
		assertThat(error.header("message"))
			.isEqualTo("subscription 't' exceeds the limit of 2 unacknowledged messages");
		assertThat(limited.broker().stats().protocolErrors()).isEqualTo(1);
		assertThat(publisher.session().isOpen()).isTrue();
	}

	@Test
	void userDestinationReachesEverySessionOfTheUser() {
		StompClient alice1 = this.harness.connectAs("alice");
		alice1.subscribe("u", "/user/queue/inbox");
		StompClient alice2 = this.harness.connectAs("alice");
		alice2.subscribe("u", "/user/queue/inbox");
		StompClient bob = this.harness.connectAs("bob");
		bob.subscribe("u", "/user/queue/inbox");
		this.harness.connect().publish("/user/alice/queue/inbox", "hi");
		Frame message = alice1.next(Command.MESSAGE);
		assertThat(message.header("destination")).isEqualTo("/user/queue/inbox");
		assertThat(message.bodyAsText()).isEqualTo("hi");
		assertThat(alice2.next(Command.MESSAGE).bodyAsText()).isEqualTo("hi");
		bob.expectNothingMore();
	}

	@Test
	void stomp10ClientsAckByMessageIdAndMaySubscribeWithoutId() {
		StompClient publisher = this.harness.connect();
		publisher.publish("/queue/jobs", "1");
		StompClient old = this.harness.open();
		old.send(Command.CONNECT);
		old.next(Command.CONNECTED);
		old.useVersion(StompVersion.V1_0);
		old.send(Command.SUBSCRIBE, "destination", "/queue/jobs", "ack", "client", "receipt", "s");
		old.expectReceipt("s");
		Frame message = old.next(Command.MESSAGE);
		assertThat(message.header("subscription")).isEqualTo("/queue/jobs");
		old.send(Command.ACK, "message-id", message.header("message-id"), "receipt", "a");
		old.expectReceipt("a");
		old.send(Command.UNSUBSCRIBE, "destination", "/queue/jobs", "receipt", "u");
		old.expectReceipt("u");
	}

	@Test
	void headersAreEscapedPerVersion() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s:1", "/topic/a");
		this.harness.connect().publish("/topic/a", "x", "note", "line1\nline2:colon\\back");
		Frame message = subscriber.next(Command.MESSAGE);
		assertThat(message.header("subscription")).isEqualTo("s:1");
		assertThat(message.header("note")).isEqualTo("line1\nline2:colon\\back");
	}

	@Test
	void stomp10HeadersAreTakenLiterallyAndReachNewerClientsEscaped() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient old = this.harness.open();
		old.send(Command.CONNECT);
		old.next(Command.CONNECTED);
		old.useVersion(StompVersion.V1_0);
		old.sendRaw("SEND\ndestination:/topic/a\nnote:back\\nslash:colon\n\nx\0");
		assertThat(subscriber.next(Command.MESSAGE).header("note")).isEqualTo("back\\nslash:colon");
	}

	/** A consumer of {@code /queue/jobs} after {@code count} messages were sent there. */
	private StompClient queueConsumer(String ackMode, int count) {
		StompClient publisher = this.harness.connect();
		for (int i = 1; i <= count; i++) {
			publisher.publish("/queue/jobs", Integer.toString(i));
		}
		StompClient consumer = this.harness.connect();
		consumer.subscribe("q", "/queue/jobs", "ack", ackMode, "receipt", "sub");
		consumer.expectReceipt("sub");
		return consumer;
	}

	private static List<Frame> redeliveredTo(StompClient next) {
		next.subscribe("q", "/queue/jobs");
		return next.drain();
	}

	private static List<String> bodies(List<Frame> frames) {
		return frames.stream().map(Frame::bodyAsText).toList();
	}

}
