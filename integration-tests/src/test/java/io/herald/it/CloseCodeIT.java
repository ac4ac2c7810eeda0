package io.herald.it;

import io.herald.it.support.HeraldExtension;
import io.herald.session.Broker;
import io.herald.session.CloseReason;
import io.herald.testclient.StompFrame;
import io.herald.testclient.WebSocketStompConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client learns why its session ended from the close frame too: each
 * {@link CloseReason} has its code (RFC 6455, 7.4.1) and its tag as the close reason, and
 * the broker counts it under that reason.
 */
class CloseCodeIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.limits.max-frame-size=4KB");

	private WebSocketStompConnection open() {
		WebSocketStompConnection client = WebSocketStompConnection.to(server.webSocketUri()).open();
		client.connect();
		return client;
	}

	private static String closeStatusOf(WebSocketStompConnection client) {
		client.awaitClosed();
		await().until(() -> client.closeStatus() != null);
		return client.closeStatus();
	}

	@Test
	void disconnectClosesNormally() {
		WebSocketStompConnection client = open();
		client.disconnect();
		assertThat(closeStatusOf(client)).isEqualTo("1000 client-disconnect");
	}

	@Test
	void protocolViolationClosesWith1002() {
		WebSocketStompConnection client = open();
		client.sendRaw("BOGUS\n\n\0");
		assertThat(client.expectErrorAndClose().header("message")).contains("BOGUS");
		assertThat(closeStatusOf(client)).isEqualTo("1002 protocol-violation");
	}

	@Test
	void oversizedFrameClosesWith1009() {
		WebSocketStompConnection client = open();
		client.sendRaw("SEND\ndestination:/topic/big\n\n" + "x".repeat(8 * 1024) + "\0");
		client.expectErrorAndClose();
		assertThat(closeStatusOf(client)).isEqualTo("1009 frame-too-large");
	}

	@Test
	void operatorDisconnectClosesWith1008AndIsCounted() {
		Broker broker = server.context().getBean(Broker.class);
		long before = broker.stats().closed(CloseReason.ADMIN_DISCONNECT);
		WebSocketStompConnection client = WebSocketStompConnection.to(server.webSocketUri()).open();
		String sessionId = client.connect().header("session");
		assertThat(broker.session(sessionId).orElseThrow().transport()).isEqualTo("websocket");
		assertThat(broker.disconnect(sessionId, "maintenance")).isTrue();
		StompFrame error = client.expectErrorAndClose();
		assertThat(error.header("message")).isEqualTo("disconnected by an operator: maintenance");
		assertThat(closeStatusOf(client)).isEqualTo("1008 admin-disconnect");
		assertThat(broker.stats().closed(CloseReason.ADMIN_DISCONNECT)).isEqualTo(before + 1);
	}

}
