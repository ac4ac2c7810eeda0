package io.herald.session;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a session ends is one typed reason, counted once, with the WebSocket close
 * code the transports send; and the operator's view and commands.
 */
class SessionCloseReasonTest {

	private final BrokerHarness harness = BrokerHarness.builder().testAuthenticator().build();

	@Test
	void eachEndingIsCountedUnderItsOwnReason() {
		this.harness.connect().send(Command.DISCONNECT, "receipt", "bye");
		this.harness.connect().closeSocket();
		this.harness.connect().send(Command.SEND);
		StompClient silent = this.harness.connect("heart-beat", "2000,0");
		this.harness.advanceMillis(5_000);
		assertThat(silent.session().closeReason()).isEqualTo(CloseReason.HEARTBEAT_TIMEOUT);
		this.harness.open();
		this.harness.advanceMillis(SessionSettings.DEFAULT.connectTimeoutMillis() + 1);
		StompClient kicked = this.harness.connect();
		assertThat(this.harness.broker().disconnect(kicked.session().id(), "maintenance")).isTrue();
		this.harness.runDue();
		assertThat(kicked.expectError().header("message")).isEqualTo("disconnected by an operator: maintenance");

		BrokerStats stats = this.harness.broker().stats();
		Map<CloseReason, Long> counted = Arrays.stream(CloseReason.values())
			.filter((reason) -> stats.closed(reason) > 0)
			.collect(Collectors.toMap((reason) -> reason, stats::closed));
		assertThat(counted).containsOnly(Map.entry(CloseReason.CLIENT_DISCONNECT, 1L),
				Map.entry(CloseReason.TRANSPORT_CLOSED, 1L), Map.entry(CloseReason.PROTOCOL_VIOLATION, 1L),
				Map.entry(CloseReason.HEARTBEAT_TIMEOUT, 1L), Map.entry(CloseReason.CONNECT_TIMEOUT, 1L),
				Map.entry(CloseReason.ADMIN_DISCONNECT, 1L));
		assertThat(stats.protocolErrors()).as("violation, heart-beat and connect timeouts").isEqualTo(3);
	}

	@Test
	void aSessionEndsOnceWhateverEndsItAgain() {
		StompClient client = this.harness.connect();
		assertThat(client.session().close(CloseReason.ADMIN_DISCONNECT, "first", null, null)).isTrue();
		assertThat(client.session().close(CloseReason.SHUTDOWN, "second", null, null)).isFalse();
		client.session().onTransportClosed();
		this.harness.runDue();
		assertThat(client.expectError().header("message")).isEqualTo("first");
		assertThat(client.session().closeReason()).isEqualTo(CloseReason.ADMIN_DISCONNECT);
		assertThat(this.harness.broker().stats().closed(CloseReason.SHUTDOWN)).isZero();
		assertThat(this.harness.broker().stats().closed(CloseReason.TRANSPORT_CLOSED)).isZero();
	}

	@Test
	void closeReasonsMapToWebSocketCloseCodes() {
		assertThat(CloseReason.CLIENT_DISCONNECT.webSocketCode()).isEqualTo(1000);
		assertThat(CloseReason.SHUTDOWN.webSocketCode()).isEqualTo(1001);
		assertThat(CloseReason.PROTOCOL_VIOLATION.webSocketCode()).isEqualTo(1002);
		assertThat(CloseReason.SLOW_CONSUMER.webSocketCode()).isEqualTo(1008);
		assertThat(CloseReason.FRAME_TOO_LARGE.webSocketCode()).isEqualTo(1009);
		assertThat(CloseReason.INTERNAL_ERROR.webSocketCode()).isEqualTo(1011);
		assertThat(Arrays.stream(CloseReason.values()).map(CloseReason::tag).distinct())
			.hasSize(CloseReason.values().length);
	}

	@Test
	void operatorsSeeSessionsAndTotals() {
		StompClient alice = this.harness.connectAs("alice");
		alice.subscribe("a", "/topic/a").subscribe("b", "/topic/b");
		this.harness.open();
		Broker broker = this.harness.broker();
		SessionInfo info = broker.session(alice.session().id()).orElseThrow();
		assertThat(info.user()).isEqualTo("alice");
		assertThat(info.remoteAddress()).isEqualTo(BrokerHarness.CLIENT_ADDRESS);
		assertThat(info.version()).isEqualTo("1.2");
		assertThat(info.subscriptions()).isEqualTo(2);
		assertThat(info.closeReason()).isNull();
		assertThat(broker.sessions()).hasSize(2).anyMatch((s) -> s.version() == null);
		assertThat(broker.totals().sessions()).isEqualTo(2);
		assertThat(broker.totals().topicSubscriptions()).isEqualTo(2);
		assertThat(broker.disconnect("no-such-session", "x")).isFalse();
		alice.publish("/queue/jobs", "1").publish("/queue/jobs", "2");
		assertThat(broker.totals().bufferedMessages()).isEqualTo(2);
		assertThat(broker.destinations()).anyMatch((d) -> d.name().equals("/queue/jobs") && d.depth() == 2);
		assertThat(broker.purge("jobs")).isEqualTo(2);
		assertThat(broker.totals().bufferedMessages()).isZero();
		alice.send(Command.DISCONNECT);
		assertThat(broker.session(alice.session().id())).isEmpty();
		assertThat(broker.totals().topicSubscriptions()).isZero();
	}

	@Test
	void clientAskingForFasterHeartBeatsIsAnsweredDownToTheFloor() {
		StompClient fast = this.harness.connect("heart-beat", "0,1000");
		Frame connected = fast.connection().received().get(0).frame();
		assertThat(connected.header("heart-beat")).as("1000 ms asked for sending, nothing for receiving")
			.isEqualTo("1000,10000");
		assertThat(this.harness.connect("heart-beat", "100,100")
			.connection()
			.received()
			.get(0)
			.frame()
			.header("heart-beat")).as("the floor").isEqualTo("1000,1000");
		this.harness.advanceMillis(10_000);
		assertThat(fast.heartBeats()).as("beats at the agreed 1 s, not the configured 10 s").isGreaterThanOrEqualTo(9);
	}

	@Test
	void messageIdsNameTheNode() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		this.harness.connect().publish("/topic/a", "x");
		String id = subscriber.next(Command.MESSAGE).header("message-id");
		assertThat(id).matches("[0-9a-z]+-[0-9a-z]+-\\d+");
	}

}
