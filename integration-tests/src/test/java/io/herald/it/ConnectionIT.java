package io.herald.it;

import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connecting (STOMP 1.2, "Connecting", "Protocol Negotiation") and receipts, over every
 * transport.
 */
class ConnectionIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.heartbeat.send-interval=5000ms",
			"--herald.heartbeat.receive-interval=7000ms");

	@OverEveryTransport
	void connectedCarriesVersionServerSessionAndHeartBeat(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			StompFrame connected = client.connect();
			assertThat(connected.header("version")).isEqualTo("1.2");
			assertThat(connected.header("server")).startsWith("Herald/");
			assertThat(connected.header("session")).isNotBlank();
			assertThat(connected.header("heart-beat")).isEqualTo("5000,7000");
			client.disconnect();
		}
	}

	@OverEveryTransport
	void eachConnectionGetsItsOwnSession(Transport transport) {
		try (StompConnection first = transport.open(server); StompConnection second = transport.open(server)) {
			String one = first.connect().header("session");
			String two = second.connect().header("session");
			assertThat(one).isNotEqualTo(two);
		}
	}

	@OverEveryTransport
	void negotiatesTheHighestCommonVersion(Transport transport) {
		assertThat(negotiate(transport, "1.0")).isEqualTo("1.0");
		assertThat(negotiate(transport, "1.0,1.1")).isEqualTo("1.1");
		assertThat(negotiate(transport, "1.1,1.0")).isEqualTo("1.1");
		assertThat(negotiate(transport, "1.0,1.1,1.2")).isEqualTo("1.2");
		assertThat(negotiate(transport, "1.2,2.0")).isEqualTo("1.2");
	}

	private static String negotiate(Transport transport, String acceptVersion) {
		try (StompConnection client = transport.open(server)) {
			client
				.send(StompFrame.create("CONNECT").header("accept-version", acceptVersion).header("host", "localhost"));
			StompFrame connected = client.receive("CONNECTED");
			client.disconnect();
			return connected.header("version");
		}
	}

	@OverEveryTransport
	void connectWithoutAcceptVersionIsStomp10(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			client.sendUnescaped(StompFrame.create("CONNECT"));
			StompFrame connected = client.receive("CONNECTED");
			// a 1.0 CONNECTED may omit the version header
			assertThat(connected.header("version")).isIn(null, "1.0");
			// 1.0: SUBSCRIBE without id subscribes by destination
			String destination = "/topic/" + HeraldServer.unique("v10");
			client.sendUnescaped(
					StompFrame.create("SUBSCRIBE").header("destination", destination).header("receipt", "s1"));
			client.awaitReceipt("s1");
			client.sendUnescaped(StompFrame.create("SEND").header("destination", destination).body("one-zero"));
			StompFrame message = client.receive("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("one-zero");
			assertThat(message.header("destination")).isEqualTo(destination);
		}
	}

	@OverEveryTransport
	void stompCommandConnectsLikeConnect(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			client.send(StompFrame.create("STOMP").header("accept-version", "1.2").header("host", "localhost"));
			StompFrame connected = client.receive("CONNECTED");
			assertThat(connected.header("version")).isEqualTo("1.2");
			client.disconnect();
		}
	}

	@OverEveryTransport
	void unsupportedVersionGetsErrorListingTheSupportedOnesThenClose(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			client.send(StompFrame.create("CONNECT").header("accept-version", "2.0,3.1").header("host", "localhost"));
			StompFrame error = client.expectErrorAndClose();
			assertThat(error.header("version")).contains("1.2");
			assertThat(error.header("message")).contains("version");
		}
	}

	@OverEveryTransport
	void receiptsForSendSubscribeUnsubscribeAndDisconnect(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			String destination = "/topic/" + HeraldServer.unique("receipts");
			StompFrame subscribed = client
				.sendWithReceipt(StompFrame.create("SUBSCRIBE").header("destination", destination).header("id", "s-1"));
			assertThat(subscribed.command()).isEqualTo("RECEIPT");
			client.send(StompFrame.create("SEND")
				.header("destination", destination)
				.header("receipt", "send-receipt")
				.body("hello"));
			StompFrame receipt = client.awaitReceipt("send-receipt");
			assertThat(receipt.body()).isEmpty();
			assertThat(client.receive("MESSAGE").bodyText()).isEqualTo("hello");
			client.sendWithReceipt(StompFrame.create("UNSUBSCRIBE").header("id", "s-1"));
			client.send(StompFrame.create("DISCONNECT").header("receipt", "bye-77"));
			assertThat(client.receive("RECEIPT").header("receipt-id")).isEqualTo("bye-77");
			client.awaitClosed();
		}
	}

	@OverEveryTransport
	void disconnectWithoutReceiptCloses(Transport transport) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("DISCONNECT"));
			client.awaitClosed();
		}
	}

	@OverEveryTransport
	void framesSplitAcrossWritesAndBatchedInOneWrite(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("split");
		try (StompConnection client = transport.connect(server)) {
			client.subscribe(topic, "s");
			// one frame in three pieces, each its own transport message
			client.sendRaw("SEND\ndestin");
			client.sendRaw("ation:" + topic + "\ncontent-le");
			client.sendRaw("ngth:5\n\nsplit\0");
			assertThat(client.receive("MESSAGE").bodyText()).isEqualTo("split");
			// three frames (and heart-beats between them) in one transport message
			client.sendRaw("SEND\ndestination:" + topic + "\n\none\0\nSEND\r\ndestination:" + topic
					+ "\r\n\r\ntwo\0\r\nSEND\ndestination:" + topic + "\nreceipt:batch\n\nthree\0");
			client.awaitReceipt("batch");
			assertThat(client.receiveMessages(3, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("one", "two", "three");
		}
	}

	@OverEveryTransport
	void disconnectReceiptComesAfterEveryMessageQueuedBeforeIt(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("flush");
		try (StompConnection client = transport.connect(server)) {
			client.subscribe(topic, "s");
			for (int i = 0; i < 200; i++) {
				client.publish(topic, "m" + i);
			}
			client.send(StompFrame.create("DISCONNECT").header("receipt", "last"));
			List<StompFrame> messages = client.receiveMessages(200, StompConnection.LONG_WAIT);
			assertThat(messages.get(199).bodyText()).isEqualTo("m199");
			assertThat(client.receive("RECEIPT").header("receipt-id")).isEqualTo("last");
			client.awaitClosed();
		}
	}

	@Test
	void webSocketSubProtocolIsNegotiated() {
		for (String subProtocol : new String[] { "v10.stomp", "v11.stomp", "v12.stomp" }) {
			try (StompConnection client = Transport.webSocket(server, subProtocol)) {
				assertThat(client.subProtocol()).isEqualTo(subProtocol);
				client.connect();
				client.disconnect();
			}
		}
		try (StompConnection client = Transport.webSocket(server, "v12.stomp", "v11.stomp", "v10.stomp")) {
			assertThat(client.subProtocol()).isEqualTo("v12.stomp");
		}
	}

}
