package io.herald.session;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

class SessionHandshakeTest {

	private final BrokerHarness harness = BrokerHarness.builder().testAuthenticator().build();

	@Test
	void connectNegotiatesTheHighestSharedVersion() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT, "accept-version", "1.0,1.1,1.2", "host", "localhost");
		Frame connected = client.next(Command.CONNECTED);
		assertThat(connected.header("version")).isEqualTo("1.2");
		assertThat(connected.header("server")).isEqualTo("Herald/test");
		assertThat(connected.header("session")).isEqualTo(client.session().id());
		assertThat(connected.header("heart-beat")).isEqualTo("10000,10000");
		assertThat(connected.header("user-name")).as("anonymous").isEqualTo("anonymous-" + client.session().id());
		assertThat(client.session().version()).isEqualTo(io.herald.protocol.StompVersion.V1_2);
		client.expectNothingMore();
	}

	@Test
	void stompCommandConnectsLikeConnect() {
		StompClient client = this.harness.open();
		client.send(Command.STOMP, "accept-version", "1.2", "host", "localhost");
		assertThat(client.next(Command.CONNECTED).header("version")).isEqualTo("1.2");
	}

	@Test
	void olderVersionsAreNegotiated() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT, "accept-version", "1.0,1.1");
		assertThat(client.next(Command.CONNECTED).header("version")).isEqualTo("1.1");
	}

	@Test
	void connectWithoutAcceptVersionIsStomp10AndConnectedOmitsVersion() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT);
		Frame connected = client.next(Command.CONNECTED);
		assertThat(connected.header("version")).isNull();
		assertThat(client.session().version()).isEqualTo(io.herald.protocol.StompVersion.V1_0);
	}

	@Test
	void loginNamesTheUserInConnected() {
		StompClient client = this.harness.connectAs("alice");
		assertThat(client.session().user()).isEqualTo("alice");
		assertThat(this.harness.broker().sessionCount()).isEqualTo(1);
	}

	@Test
	void connectedCarriesUserName() {
		StompClient client = this.harness.open();
		Frame connected = client.connect("login", "alice", "passcode", "secret");
		assertThat(connected.header("user-name")).isEqualTo("alice");
	}

	@Test
	void anonymousLoginIsIgnoredAndTheBrokerNamesTheSession() {
		BrokerHarness open = BrokerHarness.create();
		StompClient first = open.open();
		Frame connected = first.connect("login", "alice");
		StompClient second = open.open();
		second.connect("login", "alice", "passcode", "anything");
		assertThat(connected.header("user-name")).isEqualTo("anonymous-" + first.session().id());
		assertThat(first.session().user()).isEqualTo("anonymous-" + first.session().id());
		assertThat(second.session().user()).isEqualTo("anonymous-" + second.session().id())
			.isNotEqualTo(first.session().user());
	}

	@Test
	void connectWithReceiptGetsConnectedThenReceipt() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT, "accept-version", "1.2", "receipt", "c-1");
		client.next(Command.CONNECTED);
		client.expectReceipt("c-1");
		client.expectNothingMore();
	}

	@Test
	void unsupportedVersionGetsErrorListingSupportedVersions() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT, "accept-version", "2.0,3.1");
		Frame error = client.expectError();
		assertThat(error.header("version")).isEqualTo("1.0,1.1,1.2");
		assertThat(error.header("message")).contains("no shared protocol version").contains("1.0,1.1,1.2");
	}

	@Test
	void unsupportedVersionErrorCarriesReceiptIdAndIsCountedAsProtocolError() {
		StompClient client = this.harness.open();
		client.send(Command.CONNECT, "accept-version", "2.0", "receipt", "c-1");
		Frame error = client.expectError();
		assertThat(error.header("receipt-id")).isEqualTo("c-1");
		assertThat(this.harness.broker().stats().protocolErrors()).isEqualTo(1);
	}

	@Test
	void sessionIsReleasedAfterTheErrorCloses() {
		StompClient client = this.harness.open();
		assertThat(this.harness.broker().sessionCount()).isEqualTo(1);
		client.send(Command.CONNECT, "accept-version", "2.0");
		client.expectError();
		assertThat(client.session().isOpen()).isFalse();
		assertThat(this.harness.broker().sessionCount()).isZero();
	}

	@Test
	void disconnectWithReceiptIsConfirmedThenClosed() {
		StompClient client = this.harness.connect();
		client.send(Command.DISCONNECT, "receipt", "bye");
		client.expectReceipt("bye");
		client.expectNothingMore();
		assertThat(client.isClosed()).isTrue();
		assertThat(this.harness.broker().sessionCount()).isZero();
		assertThat(this.harness.broker().stats().protocolErrors()).isZero();
	}

	@Test
	void disconnectWithoutReceiptClosesSilently() {
		StompClient client = this.harness.connect();
		client.send(Command.DISCONNECT);
		client.expectNothingMore();
		assertThat(client.isClosed()).isTrue();
	}

	@Test
	void framesAfterDisconnectAreIgnored() {
		StompClient client = this.harness.connect();
		client.send(Command.DISCONNECT);
		client.send(Command.SEND, "destination", "/topic/a", "receipt", "late");
		client.expectNothingMore();
		assertThat(this.harness.broker().stats().messagesPublished()).isZero();
	}

	@Test
	void clientClosingTheSocketReleasesTheSession() {
		StompClient client = this.harness.connect();
		client.subscribe("s", "/topic/a");
		assertThat(this.harness.broker().router().topicSubscriptionCount()).isEqualTo(1);
		client.closeSocket();
		assertThat(this.harness.broker().sessionCount()).isZero();
		assertThat(this.harness.broker().router().topicSubscriptionCount()).isZero();
	}

	@Test
	void framesMaySplitAnywhereAndShareAChunk() {
		StompClient client = this.harness.open();
		client.sendRaw("CONN");
		client.sendRaw("ECT\naccept-version:1.2\n\n\0SUBSCRIBE\nid:1\ndestination:/topic/a\nreceipt:r");
		client.next(Command.CONNECTED);
		client.expectNothingMore();
		client.sendRaw("1\n\n\0\n\n");
		client.expectReceipt("r1");
	}

}
