package io.herald.it;

import java.time.Duration;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Transactions (STOMP 1.2, "BEGIN", "COMMIT", "ABORT") cover SEND and ACK. */
class TransactionIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	private static StompFrame txSend(String destination, String tx, String body) {
		return StompFrame.create("SEND").header("destination", destination).header("transaction", tx).body(body);
	}

	@OverEveryTransport
	void commitDeliversTheTransactionsSendsInOrder(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("tx");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "s");
			publisher.sendWithReceipt(StompFrame.create("BEGIN").header("transaction", "t1"));
			publisher.sendWithReceipt(txSend(topic, "t1", "one"));
			publisher.sendWithReceipt(txSend(topic, "t1", "two"));
			publisher.publish(topic, "outside");
			// nothing of t1 before its COMMIT
			assertThat(subscriber.receive("MESSAGE").bodyText()).isEqualTo("outside");
			publisher.sendWithReceipt(StompFrame.create("COMMIT").header("transaction", "t1"));
			assertThat(subscriber.receiveMessages(2, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("one", "two");
			assertThat(subscriber.poll(Duration.ZERO)).isNull();
		}
	}

	@OverEveryTransport
	void abortDiscardsTheTransactionsSends(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("tx-abort");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "s");
			publisher.send(StompFrame.create("BEGIN").header("transaction", "t2"));
			publisher.send(txSend(topic, "t2", "discarded"));
			publisher.sendWithReceipt(StompFrame.create("ABORT").header("transaction", "t2"));
			publisher.publish(topic, "after abort");
			assertThat(subscriber.receive("MESSAGE").bodyText()).isEqualTo("after abort");
			subscriber.expectNoFrame(Duration.ofMillis(300));
			// the transaction is gone
			publisher.send(StompFrame.create("COMMIT").header("transaction", "t2"));
			assertThat(publisher.expectErrorAndClose().header("message")).contains("unknown transaction 't2'");
		}
	}

	@OverEveryTransport
	void ackInACommittedTransactionSettlesTheMessage(Transport transport) {
		String queue = "/queue/" + HeraldServer.unique("tx-ack");
		try (StompConnection consumer = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client-individual");
			consumer.publish(queue, "acked in tx");
			String ack = consumer.receive("MESSAGE").header("ack");
			consumer.send(StompFrame.create("BEGIN").header("transaction", "t3"));
			consumer.send(StompFrame.create("ACK").header("id", ack).header("transaction", "t3"));
			consumer.sendWithReceipt(StompFrame.create("COMMIT").header("transaction", "t3"));
			consumer.disconnect();
		}
		try (StompConnection next = transport.connect(server)) {
			next.subscribe(queue, "n");
			next.publish(queue, "fence");
			assertThat(next.receive("MESSAGE").bodyText()).isEqualTo("fence");
		}
	}

	@OverEveryTransport
	void ackInAnAbortedTransactionIsUndone(Transport transport) {
		String queue = "/queue/" + HeraldServer.unique("tx-ack-abort");
		try (StompConnection consumer = transport.connect(server)) {
			consumer.subscribe(queue, "c", "ack", "client-individual");
			consumer.publish(queue, "still unacked");
			String ack = consumer.receive("MESSAGE").header("ack");
			consumer.send(StompFrame.create("BEGIN").header("transaction", "t4"));
			consumer.send(StompFrame.create("ACK").header("id", ack).header("transaction", "t4"));
			consumer.sendWithReceipt(StompFrame.create("ABORT").header("transaction", "t4"));
			consumer.disconnect();
		}
		try (StompConnection next = transport.connect(server)) {
			next.subscribe(queue, "n");
			StompFrame redelivered = next.receive("MESSAGE");
			assertThat(redelivered.bodyText()).isEqualTo("still unacked");
			assertThat(redelivered.header("redelivered")).isEqualTo("true");
		}
	}

	@OverEveryTransport
	void disconnectAbortsOpenTransactions(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("tx-open");
		try (StompConnection subscriber = transport.connect(server)) {
			subscriber.subscribe(topic, "s");
			try (StompConnection publisher = transport.connect(server)) {
				publisher.send(StompFrame.create("BEGIN").header("transaction", "t5"));
				publisher.send(txSend(topic, "t5", "never"));
				publisher.disconnect();
			}
			try (StompConnection publisher = transport.connect(server)) {
				publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", topic).body("fence"));
			}
			assertThat(subscriber.receive("MESSAGE").bodyText()).isEqualTo("fence");
		}
	}

}
