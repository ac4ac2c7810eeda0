package io.herald.routing;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Headers;
import io.herald.routing.QueueDestinationTest.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RouterTest {

	private final Router router = new Router(2, 64);

	@Test
	void topicMessageFansOutToEveryMatchingSubscriber() throws DestinationException {
		Consumer exact = new Consumer(10);
		Consumer wildcard = new Consumer(10);
		Consumer elsewhere = new Consumer(10);
		this.router.subscribe(Destination.forSubscribe("/topic/a.b"), null, exact);
		this.router.subscribe(Destination.forSubscribe("/topic/a.*"), null, wildcard);
		this.router.subscribe(Destination.forSubscribe("/topic/c"), null, elsewhere);
		PublishResult result = this.router.publish(Destination.forSend("/topic/a.b"), message("1"));
		assertThat(result).isEqualTo(new PublishResult(true, 2, null));
		assertThat(exact.ids()).containsExactly("1");
		assertThat(wildcard.ids()).containsExactly("1");
		assertThat(elsewhere.ids()).isEmpty();
		assertThat(this.router.topicSubscriptionCount()).isEqualTo(3);
	}

	@Test
	void topicWithoutSubscribersAcceptsAndDrops() throws DestinationException {
		assertThat(this.router.publish(Destination.forSend("/topic/nobody"), message("1")))
			.isEqualTo(new PublishResult(true, 0, null));
	}

	@Test
	void topicRefusalsAreNotCountedAsReceivers() throws DestinationException {
		Consumer refusing = new Consumer(10);
		refusing.refuse = true;
		this.router.subscribe(Destination.forSubscribe("/topic/a"), null, refusing);
		assertThat(this.router.publish(Destination.forSend("/topic/a"), message("1")).receivers()).isZero();
	}

	@Test
	void cancelledTopicRouteStopsDeliveriesAndIsIdempotent() throws DestinationException {
		Consumer consumer = new Consumer(10);
		Route route = this.router.subscribe(Destination.forSubscribe("/topic/a"), null, consumer);
		route.cancel();
		route.cancel();
		this.router.publish(Destination.forSend("/topic/a"), message("1"));
		assertThat(consumer.ids()).isEmpty();
		assertThat(this.router.topicSubscriptionCount()).isZero();
	}

	@Test
	void userDestinationReachesEverySessionOfThatUserOnly() throws DestinationException {
		Consumer aliceOne = new Consumer(10);
		Consumer aliceTwo = new Consumer(10);
		Consumer bob = new Consumer(10);
		this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "alice", aliceOne);
		this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "alice", aliceTwo);
		this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "bob", bob);
		PublishResult result = this.router.publish(Destination.forSend("/user/alice/queue/inbox"), message("1"));
		assertThat(result.receivers()).isEqualTo(2);
		assertThat(aliceOne.ids()).containsExactly("1");
		assertThat(aliceTwo.ids()).containsExactly("1");
		assertThat(bob.ids()).isEmpty();
	}

	@Test
	void userDestinationWithoutSessionsAcceptsAndDrops() throws DestinationException {
		assertThat(this.router.publish(Destination.forSend("/user/carol/queue/inbox"), message("1")))
			.isEqualTo(new PublishResult(true, 0, null));
	}

	@Test
	void cancelledUserRouteStopsDeliveries() throws DestinationException {
		Consumer alice = new Consumer(10);
		Route route = this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "alice", alice);
		route.cancel();
		route.cancel();
		assertThat(this.router.publish(Destination.forSend("/user/alice/queue/inbox"), message("1")).receivers())
			.isZero();
		assertThat(alice.ids()).isEmpty();
	}

	@Test
	void fullQueueRefusesNamingQueueAndLimit() throws DestinationException {
		Destination jobs = Destination.forSend("/queue/jobs");
		assertThat(this.router.publish(jobs, message("1")).accepted()).isTrue();
		assertThat(this.router.publish(jobs, message("2")).accepted()).isTrue();
		PublishResult refused = this.router.publish(jobs, message("3"));
		assertThat(refused.accepted()).isFalse();
		assertThat(refused.refusal())
			.isEqualTo("queue '/queue/jobs' is full: it holds its limit of 2 messages (herald.queues.max-length)");
		assertThat(this.router.queueDepth("jobs")).isEqualTo(2);
		assertThat(this.router.queueDepth("other")).isZero();
	}

	@Test
	void queueRouteStartsFlowOnReadyAndRequeuesForOthers() throws DestinationException {
		Destination jobs = Destination.forSubscribe("/queue/jobs");
		this.router.publish(Destination.forSend("/queue/jobs"), message("1"));
		Consumer first = new Consumer(10);
		Route route = this.router.subscribe(jobs, null, first);
		assertThat(first.ids()).isEmpty();
		route.ready();
		assertThat(first.ids()).containsExactly("1");
		route.cancel();
		route.requeue(first.messages);
		Consumer second = new Consumer(10);
		this.router.subscribe(jobs, null, second).ready();
		assertThat(second.ids()).containsExactly("1");
		assertThat(second.redelivered).containsExactly(true);
	}

	@Test
	void topicRouteDropsRequeuedMessages() throws DestinationException {
		Consumer consumer = new Consumer(10);
		Route route = this.router.subscribe(Destination.forSubscribe("/topic/a"), null, consumer);
		route.requeue(List.of(message("1")));
		assertThat(consumer.ids()).isEmpty();
	}

	@Test
	void publishAllPublishesEveryMessageInOrder() throws DestinationException {
		Consumer topic = new Consumer(10);
		Consumer queue = new Consumer(10);
		this.router.subscribe(Destination.forSubscribe("/topic/a"), null, topic);
		this.router.subscribe(Destination.forSubscribe("/queue/jobs"), null, queue).ready();
		PublishResult result = this.router
			.publishAll(List.of(new Publication(Destination.forSend("/topic/a"), message("1")),
					new Publication(Destination.forSend("/queue/jobs"), message("2")),
					new Publication(Destination.forSend("/topic/a"), message("3"))));
		assertThat(result.accepted()).isTrue();
		assertThat(topic.ids()).containsExactly("1", "3");
		assertThat(queue.ids()).containsExactly("2");
	}

	@Test
	void publishAllPublishesNothingWhenAQueueLacksRoom() throws DestinationException {
		Consumer topic = new Consumer(10);
		this.router.subscribe(Destination.forSubscribe("/topic/a"), null, topic);
		this.router.publish(Destination.forSend("/queue/other"), message("0"));
		PublishResult result = this.router
			.publishAll(List.of(new Publication(Destination.forSend("/topic/a"), message("1")),
					new Publication(Destination.forSend("/queue/jobs"), message("2")),
					new Publication(Destination.forSend("/queue/other"), message("3")),
					new Publication(Destination.forSend("/queue/other"), message("4"))));
		assertThat(result.accepted()).isFalse();
		assertThat(result.refusal())
			.isEqualTo("queue '/queue/other' is full: it holds its limit of 2 messages (herald.queues.max-length)");
		assertThat(topic.ids()).isEmpty();
		assertThat(this.router.queueDepth("jobs")).isZero();
		assertThat(this.router.queueDepth("other")).isEqualTo(1);
	}

	@Test
	void publishAllCountsRoomAConsumerCanMake() throws DestinationException {
		this.router.publish(Destination.forSend("/queue/jobs"), message("1"));
		this.router.publish(Destination.forSend("/queue/jobs"), message("2"));
		Consumer consumer = new Consumer(1);
		this.router.subscribe(Destination.forSubscribe("/queue/jobs"), null, consumer);
		PublishResult result = this.router
			.publishAll(List.of(new Publication(Destination.forSend("/queue/jobs"), message("3"))));
		assertThat(result.accepted()).isTrue();
		assertThat(consumer.ids()).containsExactly("1");
		assertThat(this.router.queueDepth("jobs")).isEqualTo(2);
	}

	@Test
	void queueLengthMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Router(0, 10))
			.withMessageContaining("maxLength must be positive");
	}

	private static Message message(String id) {
		return new Message("/x", Headers.builder().build(), new byte[0], id, false);
	}

}
