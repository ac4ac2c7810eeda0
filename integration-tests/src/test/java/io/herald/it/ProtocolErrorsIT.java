package io.herald.it;

import java.time.Duration;
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
 * Every protocol violation ends the same way: one ERROR frame with a {@code message}
 * header (and {@code receipt-id} when the bad frame asked for a receipt), then the broker
 * closes the connection. Limits are set small so each is crossed cheaply.
 */
class ProtocolErrorsIT {

	// small enough that an oversized frame still fits one SockJS message (8 KiB container
	// buffer)
	private static final int MAX_FRAME_BYTES = 4 * 1024;

	private static final int MAX_HEADERS = 16;

	private static final int MAX_LINE_BYTES = 1024;

	private static final int MAX_SUBSCRIPTIONS = 5;

	private static final int MAX_QUEUE_LENGTH = 3;

	private static final int MAX_UNACKED = 3;

	private static final int MAX_TRANSACTION_FRAMES = 3;

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(
			"--herald.limits.max-frame-size=" + MAX_FRAME_BYTES + "B", "--herald.limits.max-headers=" + MAX_HEADERS,
			"--herald.limits.max-header-line-size=" + MAX_LINE_BYTES + "B",
			"--herald.limits.max-subscriptions-per-session=" + MAX_SUBSCRIPTIONS,
			"--herald.queues.max-length=" + MAX_QUEUE_LENGTH,
			"--herald.limits.max-unacked-per-subscription=" + MAX_UNACKED,
			"--herald.limits.max-transaction-frames=" + MAX_TRANSACTION_FRAMES);

	@OverEveryTransport
	void unknownCommand(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.sendRaw("LAUNCH\nreceipt:r-9\n\n\0");
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("unknown command").contains("LAUNCH");
		}
	}

	@OverEveryTransport
	void serverCommandFromClient(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("MESSAGE").header("destination", "/topic/x"));
			assertThat(client.expectErrorAndClose().header("message")).contains("MESSAGE is not a client command");
		}
	}

	@OverEveryTransport
	void frameBeforeConnect(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			client.send(StompFrame.create("SEND")
				.header("destination", "/topic/early")
				.header("receipt", "early-1")
				.body("x"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("not connected").contains("SEND");
			assertThat(error.header("receipt-id")).isEqualTo("early-1");
		}
	}

	@OverEveryTransport
	void connectTwice(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("CONNECT").header("accept-version", "1.2").header("host", "localhost"));
			assertThat(client.expectErrorAndClose().header("message")).contains("already connected");
		}
	}

	@OverEveryTransport
	void sendWithoutDestinationCarriesReceiptId(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SEND").header("receipt", "no-dest-1").body("lost"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).isEqualTo("missing required header 'destination'");
			assertThat(error.header("receipt-id")).isEqualTo("no-dest-1");
			assertThat(error.bodyText()).contains("destination");
		}
	}

	@OverEveryTransport
	void subscribeWithoutDestination(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SUBSCRIBE").header("id", "0"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).isEqualTo("missing required header 'destination'");
			assertThat(error.header("receipt-id")).isNull();
		}
	}

	@OverEveryTransport
	void subscribeWithoutId(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(
					StompFrame.create("SUBSCRIBE").header("destination", "/topic/no-id").header("receipt", "s-no-id"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).isEqualTo("missing required header 'id'");
			assertThat(error.header("receipt-id")).isEqualTo("s-no-id");
		}
	}

	@OverEveryTransport
	void duplicateSubscriptionId(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.subscribe("/topic/" + HeraldServer.unique("dup"), "same");
			client.send(StompFrame.create("SUBSCRIBE")
				.header("destination", "/topic/" + HeraldServer.unique("dup"))
				.header("id", "same")
				.header("receipt", "dup-2"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("duplicate subscription id 'same'");
			assertThat(error.header("receipt-id")).isEqualTo("dup-2");
		}
	}

	@OverEveryTransport
	void unknownSubscriptionOnUnsubscribe(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("UNSUBSCRIBE").header("id", "never").header("receipt", "u-1"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("unknown subscription 'never'");
			assertThat(error.header("receipt-id")).isEqualTo("u-1");
		}
	}

	@OverEveryTransport
	void unservedDestination(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SEND").header("destination", "/exchange/amq.topic/x").body("x"));
			assertThat(client.expectErrorAndClose().header("message")).contains("is not served");
		}
	}

	@OverEveryTransport
	void sendToWildcardIsRefused(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SEND").header("destination", "/topic/prices.*").body("x"));
			assertThat(client.expectErrorAndClose().header("message")).contains("wildcard");
		}
	}

	@OverEveryTransport
	void oversizedFrameWithContentLength(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SEND")
				.header("destination", "/topic/big")
				.header("receipt", "big-1")
				.body("x".repeat(MAX_FRAME_BYTES + 1)));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("exceeds the limit of " + MAX_FRAME_BYTES + " bytes");
			assertThat(error.header("receipt-id")).isEqualTo("big-1");
		}
	}

	@OverEveryTransport
	void oversizedFrameWithoutContentLength(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SEND")
				.header("destination", "/topic/big")
				.body("y".repeat(MAX_FRAME_BYTES + 1))
				.withoutContentLength());
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("exceeds the limit of " + MAX_FRAME_BYTES + " bytes");
		}
	}

	@OverEveryTransport
	void tooManyHeaders(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			StompFrame send = StompFrame.create("SEND").header("receipt", "many-1").header("destination", "/topic/h");
			for (int i = 0; i < MAX_HEADERS; i++) {
				send.header("x-h" + i, "v");
			}
			client.send(send.body("x"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("exceeds the limit of " + MAX_HEADERS + " headers");
			assertThat(error.header("receipt-id")).isEqualTo("many-1");
		}
	}

	@OverEveryTransport
	void headerLineTooLong(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SEND")
				.header("destination", "/topic/long")
				.header("x-long", "z".repeat(MAX_LINE_BYTES))
				.body("x"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("header line exceeds the limit of " + MAX_LINE_BYTES);
		}
	}

	@OverEveryTransport
	void headerLineWithoutColon(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.sendRaw("SEND\ndestination:/topic/m\nreceipt:m-1\nno colon here\n\nbody\0");
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("header line without a colon");
			assertThat(error.header("receipt-id")).isEqualTo("m-1");
		}
	}

	@OverEveryTransport
	void bodyLongerThanContentLength(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.sendRaw("SEND\ndestination:/topic/m\ncontent-length:2\n\nabcdef\0");
			assertThat(client.expectErrorAndClose().header("message")).contains("longer than its content-length");
		}
	}

	@OverEveryTransport
	void invalidContentLength(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.sendRaw("SEND\ndestination:/topic/m\ncontent-length:twelve\n\nabc\0");
			assertThat(client.expectErrorAndClose().header("message")).contains("content-length");
		}
	}

	@OverEveryTransport
	void undefinedEscapeSequence(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.sendRaw("SEND\ndestination:/topic/m\nx-bad:tab\\there\n\nabc\0");
			assertThat(client.expectErrorAndClose().header("message")).contains("undefined escape sequence");
		}
	}

	@OverEveryTransport
	void invalidHeartBeatHeader(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			client.send(StompFrame.create("CONNECT").header("accept-version", "1.2").header("heart-beat", "soon"));
			assertThat(client.expectErrorAndClose().header("message")).contains("invalid heart-beat header");
		}
	}

	@OverEveryTransport
	void tooManySubscriptions(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
				client.subscribe("/topic/" + HeraldServer.unique("many"), "sub-" + i);
			}
			client.send(StompFrame.create("SUBSCRIBE")
				.header("destination", "/topic/one-too-many")
				.header("id", "sub-x")
				.header("receipt", "over"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message"))
				.contains("exceeds the limit of " + MAX_SUBSCRIPTIONS + " subscriptions");
			assertThat(error.header("receipt-id")).isEqualTo("over");
		}
	}

	@OverEveryTransport
	void unsubscribingFreesASubscriptionSlot(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			for (int i = 0; i < MAX_SUBSCRIPTIONS; i++) {
				client.subscribe("/topic/" + HeraldServer.unique("slot"), "sub-" + i);
			}
			client.unsubscribe("sub-0");
			// one SUBSCRIBE more than the limit, in the slot the UNSUBSCRIBE gave back
			String topic = "/topic/" + HeraldServer.unique("slot");
			client.send(StompFrame.create("SUBSCRIBE")
				.header("destination", topic)
				.header("id", "sub-again")
				.header("receipt", "again"));
			StompFrame answer = client.receive();
			assertThat(answer.command()).as("answer to SUBSCRIBE number %d: %s", MAX_SUBSCRIPTIONS + 1, answer)
				.isEqualTo("RECEIPT");
			assertThat(answer.header("receipt-id")).isEqualTo("again");
			client.publish(topic, "fits");
			StompFrame message = client.receive("MESSAGE");
			assertThat(message.header("subscription")).isEqualTo("sub-again");
			assertThat(message.bodyText()).isEqualTo("fits");
			client.disconnect();
		}
	}

	@OverEveryTransport
	void queueMaxLengthCrossed(Transport transport) {
		String queue = "/queue/" + HeraldServer.unique("full");
		try (StompConnection client = transport.connect(server)) {
			for (int i = 0; i < MAX_QUEUE_LENGTH; i++) {
				client.sendWithReceipt(StompFrame.create("SEND").header("destination", queue).body("m" + i));
			}
			client
				.send(StompFrame.create("SEND").header("destination", queue).header("receipt", "q-over").body("over"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("is full").contains("limit of " + MAX_QUEUE_LENGTH);
			assertThat(error.header("receipt-id")).isEqualTo("q-over");
		}
		// the buffered messages are still there
		try (StompConnection consumer = transport.connect(server)) {
			consumer.subscribe(queue, "q");
			assertThat(consumer.receiveMessages(MAX_QUEUE_LENGTH, StompConnection.WAIT))
				.extracting(StompFrame::bodyText)
				.containsExactly("m0", "m1", "m2");
		}
	}

	@OverEveryTransport
	void unknownTransaction(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("COMMIT").header("transaction", "nope").header("receipt", "c-1"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message")).contains("unknown transaction 'nope'");
			assertThat(error.header("receipt-id")).isEqualTo("c-1");
		}
	}

	@OverEveryTransport
	void ackOfUnknownId(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("ACK").header("id", "1-42"));
			assertThat(client.expectErrorAndClose().header("message")).contains("unknown ack id '1-42'");
		}
	}

	@OverEveryTransport
	void invalidAckMode(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SUBSCRIBE")
				.header("destination", "/queue/a")
				.header("id", "1")
				.header("ack", "sometimes"));
			assertThat(client.expectErrorAndClose().header("message")).contains("invalid ack mode 'sometimes'");
		}
	}

	@OverEveryTransport
	void tooManyUnackedMessagesOnATopic(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("unacked");
		try (StompConnection client = transport.connect(server)) {
			client.subscribe(topic, "slowpoke", "ack", "client");
			for (int i = 0; i <= MAX_UNACKED; i++) {
				client.publish(topic, "m" + i);
			}
			assertThat(client.receiveMessages(MAX_UNACKED, StompConnection.WAIT)).hasSize(MAX_UNACKED);
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message"))
				.contains("subscription 'slowpoke' exceeds the limit of " + MAX_UNACKED + " unacknowledged messages");
		}
	}

	@OverEveryTransport
	void queueStopsDispatchingAtTheUnackedLimitAndResumesAfterAck(Transport transport) {
		String queue = "/queue/" + HeraldServer.unique("unacked");
		try (StompConnection client = transport.connect(server)) {
			client.subscribe(queue, "q", "ack", "client-individual");
			for (int i = 0; i < MAX_UNACKED; i++) {
				client.sendWithReceipt(StompFrame.create("SEND").header("destination", queue).body("m" + i));
			}
			List<StompFrame> held = client.receiveMessages(MAX_UNACKED, StompConnection.WAIT);
			client.sendWithReceipt(StompFrame.create("SEND").header("destination", queue).body("waits"));
			client.expectNoFrame(Duration.ofMillis(300));
			client.send(StompFrame.create("ACK").header("id", held.get(0).header("ack")));
			assertThat(client.receive("MESSAGE").bodyText()).isEqualTo("waits");
			client.disconnect();
		}
	}

	@OverEveryTransport
	void tooManyFramesInATransaction(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("BEGIN").header("transaction", "big"));
			for (int i = 0; i < MAX_TRANSACTION_FRAMES; i++) {
				client.send(StompFrame.create("SEND")
					.header("destination", "/topic/tx-limit")
					.header("transaction", "big")
					.body("m" + i));
			}
			client.send(StompFrame.create("SEND")
				.header("destination", "/topic/tx-limit")
				.header("transaction", "big")
				.header("receipt", "tx-over")
				.body("over"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("message"))
				.contains("transaction 'big' exceeds the limit of " + MAX_TRANSACTION_FRAMES + " frames");
			assertThat(error.header("receipt-id")).isEqualTo("tx-over");
		}
	}

}
