package io.herald.routing;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Headers;
import io.herald.routing.Destination.Kind;
import io.herald.routing.QueueDestinationTest.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** What the router shows and does for operators. */
class RouterOperationsTest {

	private final Router router = new Router(10, 64);

	@Test
	void destinationsAreListedAsClientsNameThem() throws DestinationException {
		subscribe("/topic/prices.AAPL", null);
		subscribe("/topic/prices.*", null);
		subscribe("/queue/orders", null);
		subscribe("/user/queue/inbox", "alice");
		subscribe("/user/queue/inbox", "alice");
		publish("/topic/prices.AAPL");
		publish("/topic/prices.AAPL");
		publish("/topic/prices.MSFT");
		publish("/user/alice/queue/inbox");
		publish("/queue/jobs");
		assertThat(this.router.destinations()).containsExactly(
				new DestinationInfo("/queue/jobs", Kind.QUEUE, 0, 1, 0, 1, 0),
				new DestinationInfo("/queue/orders", Kind.QUEUE, 1, 0, 0, 0, 0),
				new DestinationInfo("/topic/prices.AAPL", Kind.TOPIC, 2, 0, 0, 2, 4),
				new DestinationInfo("/topic/prices.MSFT", Kind.TOPIC, 1, 0, 0, 1, 1),
				new DestinationInfo("/user/alice/queue/inbox", Kind.USER, 2, 0, 0, 1, 2));
	}

	@Test
	void destinationsLeftByTheirLastSubscriberAreNoLongerListed() throws DestinationException {
		Route topic = subscribe("/topic/chat", null);
		Route user = subscribe("/user/queue/inbox", "bob");
		assertThat(this.router.destinations()).extracting(DestinationInfo::name)
			.containsExactly("/topic/chat", "/user/bob/queue/inbox");
		topic.cancel();
		user.cancel();
		assertThat(this.router.destinations()).isEmpty();
	}

	@Test
	void purgeDropsWaitingMessagesOnly() throws DestinationException {
		Consumer consumer = new Consumer(1);
		subscribe("/queue/jobs", null, consumer).ready();
		for (int i = 0; i < 4; i++) {
			publish("/queue/jobs");
		}
		assertThat(consumer.ids()).as("one delivered, unacknowledged").hasSize(1);
		assertThat(this.router.queueDepth("jobs")).isEqualTo(3);
		assertThat(this.router.purge("jobs")).isEqualTo(3);
		assertThat(this.router.queueDepth("jobs")).isZero();
		assertThat(this.router.purge("jobs")).isZero();
		assertThat(this.router.queueConsumerCount("jobs")).isEqualTo(1);
	}

	@Test
	void totalsSpanAllDestinations() throws DestinationException {
		subscribe("/topic/a", null);
		subscribe("/topic/#", null);
		subscribe("/queue/one", null);
		publish("/queue/two");
		publish("/queue/two");
		publish("/queue/three");
		assertThat(this.router.topicSubscriptionCount()).isEqualTo(2);
		assertThat(this.router.queueCount()).isEqualTo(3);
		assertThat(this.router.bufferedMessageCount()).isEqualTo(3);
		assertThat(this.router.queueConsumerCount("one")).isEqualTo(1);
	}

	@Test
	void askingAboutAnUnknownQueueDoesNotCreateIt() {
		assertThat(this.router.queueDepth("nowhere")).isZero();
		assertThat(this.router.queueConsumerCount("nowhere")).isZero();
		assertThat(this.router.purge("nowhere")).isZero();
		assertThat(this.router.queueCount()).isZero();
		assertThat(this.router.destinations()).isEmpty();
	}

	private Route subscribe(String destination, String user) throws DestinationException {
		return subscribe(destination, user, new Consumer(10));
	}

	private Route subscribe(String destination, String user, Consumer consumer) throws DestinationException {
		return this.router.subscribe(Destination.forSubscribe(destination), user, consumer);
	}

	private void publish(String destination) throws DestinationException {
		this.router.publish(Destination.forSend(destination),
				new Message(destination, Headers.builder().build(), new byte[0], "m", false));
	}

}
