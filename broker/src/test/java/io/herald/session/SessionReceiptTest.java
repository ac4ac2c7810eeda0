package io.herald.session;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.StompVersion;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Every client frame that carries {@code receipt} gets a RECEIPT, in order. */
class SessionReceiptTest {

	private final BrokerHarness harness = BrokerHarness.create();

	@Test
	void everyCommandIsConfirmedInOrder() {
		StompClient producer = this.harness.connect();
		producer.publish("/queue/jobs", "1").publish("/queue/jobs", "2");
		StompClient client = this.harness.connect();
		client.subscribe("q", "/queue/jobs", "ack", "client-individual", "receipt", "subscribe");
		client.expectReceipt("subscribe");
		String first = client.next(Command.MESSAGE).header("ack");
		String second = client.next(Command.MESSAGE).header("ack");
		client.send(Command.ACK, "id", first, "receipt", "ack");
		client.expectReceipt("ack");
		client.send(Command.BEGIN, "transaction", "t", "receipt", "begin");
		client.send(Command.NACK, "id", second, "transaction", "t", "receipt", "nack");
		client.publish("/topic/a", "x", "transaction", "t", "receipt", "send");
		client.send(Command.ABORT, "transaction", "t", "receipt", "abort");
		client.send(Command.BEGIN, "transaction", "u", "receipt", "begin-u");
		client.send(Command.COMMIT, "transaction", "u", "receipt", "commit");
		client.send(Command.UNSUBSCRIBE, "id", "q", "receipt", "unsubscribe");
		for (String receipt : new String[] { "begin", "nack", "send", "abort", "begin-u", "commit", "unsubscribe" }) {
			client.expectReceipt(receipt);
		}
		client.send(Command.DISCONNECT, "receipt", "disconnect");
		client.expectReceipt("disconnect");
		client.expectNothingMore();
		assertThat(client.isClosed()).isTrue();
	}

	@Test
	void receiptIdIsEscapedBackAsSent() {
		StompClient client = this.harness.connect();
		client.publish("/topic/a", "x", "receipt", "a:b\\c\nd");
		assertThat(client.next(Command.RECEIPT).header("receipt-id")).isEqualTo("a:b\\c\nd");
	}

	@Test
	void stomp11AcksByMessageId() {
		StompClient producer = this.harness.connect();
		producer.publish("/queue/jobs", "1");
		StompClient client = this.harness.open();
		Frame connected = client.connect("accept-version", "1.1");
		assertThat(connected.header("version")).isEqualTo("1.1");
		assertThat(client.session().version()).isEqualTo(StompVersion.V1_1);
		client.subscribe("q", "/queue/jobs", "ack", "client");
		Frame message = client.next(Command.MESSAGE);
		client.send(Command.ACK, "subscription", "q", "message-id", message.header("message-id"), "receipt", "a");
		client.expectReceipt("a");
	}

}
