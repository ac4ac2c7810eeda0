package io.herald.session;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.Headers;
import io.herald.routing.DestinationException;
import io.herald.routing.PublishResult;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Publishing from inside the process, and the broker's bookkeeping of sessions.
 */
class BrokerTest {

	private final BrokerHarness harness = BrokerHarness.builder().testAuthenticator().maxQueueLength(1).build();

	@Test
	void inProcessPublishReachesSubscribersLikeASend() throws DestinationException {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/prices.*");
		PublishResult result = this.harness.broker()
			.publish("/topic/prices.AAPL",
					Headers.builder().add("content-type", "application/json").add("receipt", "x").build(),
					"{\"p\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		assertThat(result.accepted()).isTrue();
		assertThat(result.receivers()).isEqualTo(1);
		Frame message = subscriber.next(Command.MESSAGE);
		assertThat(message.header("destination")).isEqualTo("/topic/prices.AAPL");
		assertThat(message.header("content-type")).isEqualTo("application/json");
		assertThat(message.header("receipt")).isNull();
		assertThat(message.bodyAsText()).isEqualTo("{\"p\":1}");
		assertThat(this.harness.broker().stats().messagesPublished()).isEqualTo(1);
	}

	@Test
	void inProcessPublishToAUserShowsTheUserDestination() throws DestinationException {
		StompClient alice = this.harness.connectAs("alice");
		alice.subscribe("u", "/user/queue/inbox");
		this.harness.broker().publish("/user/alice/queue/inbox", Headers.builder().build(), new byte[] { 'h' });
		assertThat(alice.next(Command.MESSAGE).header("destination")).isEqualTo("/user/queue/inbox");
	}

	@Test
	void inProcessPublishToAFullQueueIsRefusedAndNotCounted() throws DestinationException {
		Headers none = Headers.builder().build();
		assertThat(this.harness.broker().publish("/queue/jobs", none, new byte[0]).accepted()).isTrue();
		PublishResult refused = this.harness.broker().publish("/queue/jobs", none, new byte[0]);
		assertThat(refused.accepted()).isFalse();
		assertThat(refused.refusal()).contains("is full");
		assertThat(this.harness.broker().stats().messagesPublished()).isEqualTo(1);
	}

	@Test
	void inProcessPublishToABadDestinationThrows() {
		assertThatExceptionOfType(DestinationException.class)
			.isThrownBy(() -> this.harness.broker().publish("/topic/a.*", Headers.builder().build(), new byte[0]));
	}

	@Test
	void messageIdsAreUniqueAcrossPublishes() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/a");
		StompClient publisher = this.harness.connect();
		publisher.publish("/topic/a", "1").publish("/topic/a", "2");
		assertThat(subscriber.next().header("message-id")).isNotEqualTo(subscriber.next().header("message-id"));
	}

	@Test
	void sessionsAreCountedFromOpenToRelease() {
		StompClient first = this.harness.open();
		StompClient second = this.harness.connect();
		assertThat(this.harness.broker().sessionCount()).isEqualTo(2);
		assertThat(this.harness.broker().stats().connectionsOpened()).isEqualTo(2);
		first.closeSocket();
		second.send(Command.DISCONNECT);
		assertThat(this.harness.broker().sessionCount()).isZero();
		assertThat(this.harness.broker().stats().connectionsOpened()).isEqualTo(2);
		assertThat(this.harness.scheduler().pendingTasks()).as("only the transports' close grace timers")
			.isLessThanOrEqualTo(1);
	}

	@Test
	void sessionIdsAreUnique() {
		assertThat(this.harness.open().session().id()).isNotEqualTo(this.harness.open().session().id());
	}

}
