package io.herald.session;

import java.util.ArrayList;
import java.util.List;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heart-beats, the connect timeout, slow consumers and shutdown, on a manual clock.
 */
class SessionTimingTest {

	private final BrokerHarness harness = BrokerHarness.builder()
		.settings((s) -> s.heartBeats(1000, 1000).connectTimeoutMillis(5000))
		.build();

	@Test
	void connectionWithoutConnectTimesOut() {
		StompClient client = this.harness.open();
		this.harness.advanceMillis(4999);
		assertThat(client.hasNext()).isFalse();
		assertThat(client.isClosed()).isFalse();
		this.harness.advanceMillis(1);
		Frame error = client.expectError();
		assertThat(error.header("message")).isEqualTo("no CONNECT frame within 5000 ms of opening the connection");
		assertThat(this.harness.broker().stats().protocolErrors()).isEqualTo(1);
		assertThat(this.harness.broker().sessionCount()).isZero();
	}

	@Test
	void connectStopsTheConnectTimer() {
		StompClient client = this.harness.connect();
		this.harness.advanceMillis(60_000);
		assertThat(client.session().isOpen()).isTrue();
		client.expectNothingMore();
	}

	@Test
	void heartBeatsAreOffUnlessTheClientAsks() {
		StompClient client = this.harness.connect();
		this.harness.advanceMillis(60_000);
		assertThat(client.heartBeats()).isZero();
		assertThat(client.session().isOpen()).isTrue();
		assertThat(this.harness.scheduler().pendingTasks()).isZero();
	}

	@Test
	void brokerSendsHeartBeatsAtLeastAsOftenAsAgreed() {
		StompClient client = this.harness.connect("heart-beat", "0,3000");
		this.harness.advanceMillis(30_000);
		assertThat(client.heartBeats()).isGreaterThanOrEqualTo(10);
		assertThat(client.session().isOpen()).as("the client sends none, and none were agreed").isTrue();
	}

	@Test
	void brokerSendsNoHeartBeatsWhenItCannot() {
		BrokerHarness silent = BrokerHarness.builder().settings((s) -> s.heartBeats(0, 1000)).build();
		StompClient client = silent.connect("heart-beat", "1000,1000");
		for (int i = 0; i < 10; i++) {
			client.sendRaw("\n");
			silent.advanceMillis(1000);
		}
		assertThat(client.heartBeats()).isZero();
		assertThat(client.session().isOpen()).isTrue();
	}

	@Test
	void silentClientIsDroppedAfterTheGrace() {
		StompClient client = this.harness.connect("heart-beat", "2000,0");
		client.drain();
		this.harness.advanceMillis(4000);
		assertThat(client.session().isOpen()).as("two agreed intervals of silence are tolerated").isTrue();
		this.harness.advanceMillis(1000);
		Frame error = client.expectError();
		assertThat(error.header("message")).startsWith("heart-beat timeout: nothing received for")
			.endsWith("(agreed interval 2000 ms)");
		assertThat(this.harness.broker().stats().protocolErrors()).isEqualTo(1);
	}

	@Test
	void clientHeartBeatsKeepTheSessionAlive() {
		StompClient client = this.harness.connect("heart-beat", "2000,0");
		for (int i = 0; i < 20; i++) {
			this.harness.advanceMillis(2000);
			client.sendRaw("\n");
		}
		assertThat(client.session().isOpen()).isTrue();
	}

	@Test
	void anyFrameCountsAsALifeSign() {
		StompClient client = this.harness.connect("heart-beat", "2000,0");
		for (int i = 0; i < 10; i++) {
			this.harness.advanceMillis(3000);
			client.publish("/topic/a", "tick");
		}
		assertThat(client.session().isOpen()).isTrue();
	}

	@Test
	void slowConsumerIsDisconnectedWithReason() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.outboundBufferBytes(1024)).build();
		StompClient subscriber = small.connect();
		subscriber.subscribe("s", "/topic/a");
		subscriber.connection().stall();
		StompClient publisher = small.connect();
		for (int i = 0; i < 10; i++) {
			publisher.publish("/topic/a", "x".repeat(300));
		}
		assertThat(subscriber.session().isOpen()).isFalse();
		assertThat(small.broker().stats().slowConsumers()).isEqualTo(1);
		assertThat(small.broker().stats().protocolErrors()).isZero();
		assertThat(publisher.session().isOpen()).isTrue();
		subscriber.connection().resume();
		Frame error = subscriber.expectError();
		assertThat(error.header("message"))
			.isEqualTo("slow consumer: more than 1024 bytes waiting to be sent to this client");
		assertThat(small.broker().router().topicSubscriptionCount()).isZero();
	}

	@Test
	void stalledClientIsClosedAfterTheGraceEvenIfItNeverReads() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.outboundBufferBytes(1024)).build();
		StompClient subscriber = small.connect();
		subscriber.subscribe("s", "/topic/a");
		subscriber.connection().stall();
		StompClient publisher = small.connect();
		for (int i = 0; i < 10; i++) {
			publisher.publish("/topic/a", "x".repeat(300));
		}
		assertThat(subscriber.isClosed()).isFalse();
		small.advanceMillis(2000);
		assertThat(subscriber.isClosed()).isTrue();
	}

	@Test
	void largeMessageReachesAnIdleSubscriberWhateverTheBound() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.outboundBufferBytes(1024)).build();
		StompClient subscriber = small.connect();
		subscriber.subscribe("s", "/topic/a");
		small.connect().publish("/topic/a", "x".repeat(5000));
		assertThat(subscriber.next(Command.MESSAGE).body()).hasSize(5000);
		assertThat(subscriber.session().isOpen()).isTrue();
	}

	@Test
	void aStalledQueueConsumerIsStarvedNotDroppedAndItsMessagesGoToAnotherConsumer() {
		BrokerHarness small = BrokerHarness.builder().settings((s) -> s.outboundBufferBytes(1024)).build();
		StompClient slow = small.connect();
		slow.subscribe("q", "/queue/jobs", "ack", "client");
		slow.connection().stall();
		StompClient publisher = small.connect();
		for (int i = 1; i <= 5; i++) {
			publisher.publish("/queue/jobs", i + "x".repeat(300));
		}
		assertThat(slow.session().isOpen()).as("queues stop dispatching to a full buffer instead of overflowing it")
			.isTrue();
		StompClient other = small.connect();
		other.subscribe("q", "/queue/jobs");
		slow.closeSocket();
		List<Character> received = new ArrayList<>();
		other.drain().forEach((frame) -> received.add(frame.bodyAsText().charAt(0)));
		assertThat(received).as("every job exactly once, whoever held it")
			.containsExactlyInAnyOrder('1', '2', '3', '4', '5');
	}

	@Test
	void shutdownEndsEverySessionWithAnError() {
		StompClient connected = this.harness.connect();
		StompClient waiting = this.harness.open();
		this.harness.broker().shutdown(0);
		this.harness.runDue();
		assertThat(connected.expectError().header("message")).isEqualTo("server shutting down");
		assertThat(waiting.expectError().header("message")).isEqualTo("server shutting down");
		assertThat(this.harness.broker().sessionCount()).isZero();
		assertThat(this.harness.broker().stats().protocolErrors()).isZero();
	}

	@Test
	void connectionDuringShutdownIsRefused() {
		this.harness.broker().shutdown(0);
		StompClient late = this.harness.open();
		assertThat(late.expectError().header("message")).isEqualTo("server shutting down");
		late.send(Command.CONNECT, "accept-version", "1.2");
		late.expectNothingMore();
	}

}
