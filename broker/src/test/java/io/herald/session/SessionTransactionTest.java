package io.herald.session;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.security.Action;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTransactionTest {

	private final BrokerHarness harness = BrokerHarness.create();

	@Test
	void sendsInATransactionArePublishedInOrderAtCommit() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a", "receipt", "sub");
		subscriber.drain();
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t", "receipt", "p1");
		publisher.publish("/topic/a", "2", "transaction", "t");
		publisher.expectReceipt("p1");
		subscriber.expectNothingMore();
		publisher.send(Command.COMMIT, "transaction", "t", "receipt", "c");
		publisher.expectReceipt("c");
		assertThat(subscriber.drain()).extracting(Frame::bodyAsText).containsExactly("1", "2");
		assertThat(subscriber.drain()).isEmpty();
	}

	@Test
	void transactionHeaderIsNotPassedOnToSubscribers() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t");
		publisher.send(Command.COMMIT, "transaction", "t");
		assertThat(subscriber.next(Command.MESSAGE).header("transaction")).isNull();
	}

	@Test
	void abortDiscardsTheTransaction() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t");
		publisher.send(Command.ABORT, "transaction", "t", "receipt", "a");
		publisher.expectReceipt("a");
		subscriber.expectNothingMore();
		assertThat(this.harness.broker().stats().messagesPublished()).isZero();
		publisher.send(Command.COMMIT, "transaction", "t", "receipt", "late");
		assertThat(publisher.expectError().header("message")).isEqualTo("unknown transaction 't'");
	}

	@Test
	void sendsOutsideTheTransactionAreNotHeldBack() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "held", "transaction", "t");
		publisher.publish("/topic/a", "direct");
		assertThat(subscriber.drain()).extracting(Frame::bodyAsText).containsExactly("direct");
		publisher.send(Command.COMMIT, "transaction", "t");
		assertThat(subscriber.drain()).extracting(Frame::bodyAsText).containsExactly("held");
	}

	@Test
	void transactionNameCanBeReusedAfterCommit() {
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t").send(Command.COMMIT, "transaction", "t");
		publisher.send(Command.BEGIN, "transaction", "t", "receipt", "again");
		publisher.expectReceipt("again");
	}

	@Test
	void transactionHoldsAtMostItsLimitOfFrames() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.maxTransactionFrames(2)).build();
		StompClient publisher = small.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t").publish("/topic/a", "2", "transaction", "t");
		publisher.publish("/topic/a", "3", "transaction", "t", "receipt", "r");
		Frame error = publisher.expectError();
		assertThat(error.header("message"))
			.isEqualTo("transaction 't' exceeds the limit of 2 frames held in open transactions");
		assertThat(error.header("receipt-id")).isEqualTo("r");
		assertThat(small.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void framesOfAllOpenTransactionsCountTowardsTheLimit() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.maxTransactionFrames(2)).build();
		StompClient publisher = small.connect();
		publisher.send(Command.BEGIN, "transaction", "t1").send(Command.BEGIN, "transaction", "t2");
		publisher.publish("/topic/a", "1", "transaction", "t1").publish("/topic/a", "2", "transaction", "t2");
		publisher.publish("/topic/a", "3", "transaction", "t1");
		assertThat(publisher.expectError().header("message"))
			.isEqualTo("transaction 't1' exceeds the limit of 2 frames held in open transactions");
	}

	@Test
	void openTransactionsAreBounded() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.maxTransactionFrames(2)).build();
		StompClient publisher = small.connect();
		publisher.send(Command.BEGIN, "transaction", "t1").send(Command.BEGIN, "transaction", "t2");
		publisher.send(Command.BEGIN, "transaction", "t3", "receipt", "r");
		Frame error = publisher.expectError();
		assertThat(error.header("message"))
			.isEqualTo("transaction 't3' exceeds the limit of 2 open transactions per session");
		assertThat(error.header("receipt-id")).isEqualTo("r");
	}

	@Test
	void committedAndAbortedFramesNoLongerCount() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.maxTransactionFrames(2)).build();
		StompClient publisher = small.connect();
		for (int i = 0; i < 10; i++) {
			publisher.send(Command.BEGIN, "transaction", "t");
			publisher.publish("/topic/a", "1", "transaction", "t").publish("/topic/a", "2", "transaction", "t");
			publisher.send((i % 2 == 0) ? Command.COMMIT : Command.ABORT, "transaction", "t");
		}
		publisher.send(Command.BEGIN, "transaction", "t", "receipt", "still");
		publisher.expectReceipt("still");
	}

	@Test
	void acksInATransactionTakeEffectAtCommit() {
		StompClient producer = this.harness.connect();
		producer.publish("/queue/jobs", "1").publish("/queue/jobs", "2");
		StompClient consumer = this.harness.connect();
		consumer.subscribe("s", "/queue/jobs", "ack", "client-individual");
		Frame first = consumer.next(Command.MESSAGE);
		consumer.next(Command.MESSAGE);
		consumer.send(Command.BEGIN, "transaction", "t");
		consumer.send(Command.ACK, "id", first.header("ack"), "transaction", "t");
		assertThat(consumer.session().findSubscriptionByIndex(1).holds(first.header("ack"))).isTrue();
		consumer.send(Command.COMMIT, "transaction", "t");
		assertThat(consumer.session().findSubscriptionByIndex(1).holds(first.header("ack"))).isFalse();
		consumer.closeSocket();
		StompClient next = this.harness.connect();
		next.subscribe("s", "/queue/jobs");
		Frame redelivered = next.next(Command.MESSAGE);
		assertThat(redelivered.bodyAsText()).isEqualTo("2");
		assertThat(redelivered.header("redelivered")).isEqualTo("true");
		next.expectNothingMore();
	}

	@Test
	void abortedAckLeavesTheMessageUnacknowledged() {
		StompClient producer = this.harness.connect();
		producer.publish("/queue/jobs", "1");
		StompClient consumer = this.harness.connect();
		consumer.subscribe("s", "/queue/jobs", "ack", "client");
		Frame message = consumer.next(Command.MESSAGE);
		consumer.send(Command.BEGIN, "transaction", "t");
		consumer.send(Command.ACK, "id", message.header("ack"), "transaction", "t");
		consumer.send(Command.ABORT, "transaction", "t");
		assertThat(consumer.session().findSubscriptionByIndex(1).holds(message.header("ack"))).isTrue();
	}

	@Test
	void openTransactionsAreDroppedWhenTheSessionEnds() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t");
		publisher.send(Command.DISCONNECT);
		subscriber.expectNothingMore();
		assertThat(this.harness.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void commitRefusedForADeniedDestinationPublishesNothing() {
		AtomicBoolean secretAllowed = new AtomicBoolean(true);
		BrokerHarness guarded = BrokerHarness.builder()
			.policy((identity, action, destination) -> action != Action.SEND || !destination.equals("/topic/secret")
					|| secretAllowed.get())
			.build();
		StompClient subscriber = guarded.connect();
		subscriber.subscribe("a", "/topic/a").subscribe("b", "/topic/secret");
		StompClient publisher = guarded.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t");
		publisher.publish("/topic/secret", "2", "transaction", "t");
		secretAllowed.set(false);
		publisher.send(Command.COMMIT, "transaction", "t", "receipt", "c");
		Frame error = publisher.expectError();
		assertThat(error.header("message")).contains("'/topic/secret'");
		assertThat(error.header("receipt-id")).isEqualTo("c");
		subscriber.expectNothingMore();
		assertThat(guarded.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void commitRefusedForAFullQueuePublishesNothing() {
		BrokerHarness bounded = BrokerHarness.builder().maxQueueLength(1).build();
		StompClient subscriber = bounded.connect();
		subscriber.subscribe("a", "/topic/a");
		StompClient publisher = bounded.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t");
		publisher.publish("/queue/jobs", "2", "transaction", "t");
		publisher.publish("/queue/jobs", "3", "transaction", "t");
		publisher.send(Command.COMMIT, "transaction", "t", "receipt", "c");
		Frame error = publisher.expectError();
		assertThat(error.header("message"))
			.isEqualTo("queue '/queue/jobs' is full: it holds its limit of 1 messages (herald.queues.max-length)");
		assertThat(error.header("receipt-id")).isEqualTo("c");
		subscriber.expectNothingMore();
		assertThat(bounded.broker().router().queueDepth("jobs")).isZero();
		assertThat(bounded.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void commitWithAnUnknownAckPublishesNothing() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("a", "/topic/a");
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/a", "1", "transaction", "t");
		publisher.send(Command.ACK, "id", "9-9", "transaction", "t");
		publisher.send(Command.COMMIT, "transaction", "t");
		assertThat(publisher.expectError().header("message")).contains("unknown ack id '9-9'");
		subscriber.expectNothingMore();
		assertThat(this.harness.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void commitAcknowledgingOneMessageTwicePublishesNothing() {
		StompClient producer = this.harness.connect();
		producer.publish("/queue/jobs", "1");
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("a", "/topic/a");
		StompClient consumer = this.harness.connect();
		consumer.subscribe("s", "/queue/jobs", "ack", "client");
		String ack = consumer.next(Command.MESSAGE).header("ack");
		consumer.send(Command.BEGIN, "transaction", "t");
		consumer.send(Command.ACK, "id", ack, "transaction", "t");
		consumer.publish("/topic/a", "1", "transaction", "t");
		consumer.send(Command.ACK, "id", ack, "transaction", "t");
		consumer.send(Command.COMMIT, "transaction", "t");
		assertThat(consumer.expectError().header("message")).contains("unknown ack id '" + ack + "'");
		subscriber.expectNothingMore();
	}

	@Test
	void commitWithCumulativeAckThenAnEarlierAckPublishesNothing() {
		StompClient producer = this.harness.connect();
		producer.publish("/queue/jobs", "1").publish("/queue/jobs", "2");
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("a", "/topic/a");
		StompClient consumer = this.harness.connect();
		consumer.subscribe("s", "/queue/jobs", "ack", "client");
		String first = consumer.next(Command.MESSAGE).header("ack");
		String second = consumer.next(Command.MESSAGE).header("ack");
		consumer.send(Command.BEGIN, "transaction", "t");
		consumer.publish("/topic/a", "1", "transaction", "t");
		consumer.send(Command.ACK, "id", second, "transaction", "t");
		consumer.send(Command.ACK, "id", first, "transaction", "t");
		consumer.send(Command.COMMIT, "transaction", "t");
		assertThat(consumer.expectError().header("message")).contains("unknown ack id '" + first + "'");
		subscriber.expectNothingMore();
	}

}
