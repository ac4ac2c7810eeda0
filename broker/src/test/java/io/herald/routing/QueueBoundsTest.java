package io.herald.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Headers;
import io.herald.routing.QueueDestinationTest.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds on what queues hold: bytes per queue, bytes of all queues together (charged
 * to the node's memory budget until a message is gone for good), queues a SEND may
 * create, and removal of queues left empty and unconsumed.
 */
class QueueBoundsTest {

	private static final int BODY = 1000;

	private static final long IDLE = Duration.ofMinutes(5).toNanos();

	private final MemoryBudget budget = new MemoryBudget(1L << 30);

	private final Router router = router(
			new QueueLimits(100, 3 * footprint(), 4, 10 * footprint(), Duration.ofNanos(IDLE)));

	@Test
	void aQueueRefusesBeyondItsBytesAndAcceptsOnceDrained() throws DestinationException {
		for (int i = 0; i < 3; i++) {
			assertThat(publish("/queue/a").accepted()).isTrue();
		}
		PublishResult refused = publish("/queue/a");
		assertThat(refused.accepted()).isFalse();
		assertThat(refused.refusal()).contains("'/queue/a' is full").contains("herald.queues.max-bytes");
		Consumer consumer = new Consumer(1);
		subscribe("/queue/a", consumer).ready();
		assertThat(publish("/queue/a").accepted()).as("room again once one left").isTrue();
	}

	@Test
	void queuesTogetherRefuseBeyondTheirMemoryEachWithinItsOwnBounds() throws DestinationException {
		Router router = router(new QueueLimits(100, 3 * footprint(), 100, 10 * footprint(), Duration.ZERO));
		int accepted = 0;
		PublishResult last = null;
		for (int q = 0; q < 20 && (last == null || last.accepted()); q++) {
			last = router.publish(Destination.forSend("/queue/q" + q), message("/queue/q" + q));
			accepted += last.accepted() ? 1 : 0;
		}
		assertThat(accepted).isEqualTo(10);
		assertThat(last.refusal()).startsWith("queues are full").contains("herald.queues.max-memory");
		assertThat(router.queuedBytes()).isEqualTo(10 * footprint());
		assertThat(this.budget.usedBytes()).as("charged to the node's budget too").isEqualTo(10 * footprint());
		router.purge("q0");
		assertThat(this.budget.usedBytes()).isEqualTo(9 * footprint());
		assertThat(router.publish(Destination.forSend("/queue/q0"), message("/queue/q0")).accepted()).isTrue();
	}

	@Test
	void autoDeliveryReleasesAtOnce() throws DestinationException {
		subscribe("/queue/a", new Consumer(10)).ready();
		publish("/queue/a");
		assertThat(this.budget.usedBytes()).isZero();
	}

	@Test
	void clientAckDeliveriesStayChargedUntilAcknowledged() throws DestinationException {
		AckingConsumer consumer = new AckingConsumer();
		Route route = subscribe("/queue/a", consumer);
		route.ready();
		publish("/queue/a");
		publish("/queue/a");
		assertThat(consumer.held).hasSize(2);
		assertThat(this.router.queueDepth("a")).isZero();
		assertThat(this.budget.usedBytes()).as("delivered, unacknowledged").isEqualTo(2 * footprint());
		route.requeue(List.of(consumer.held.remove(1)));
		assertThat(this.budget.usedBytes()).as("a NACK hands back, still charged once").isEqualTo(2 * footprint());
		route.settled(List.of(consumer.held.remove(0)));
		assertThat(this.budget.usedBytes()).as("the redelivery is held, the ACKed one gone").isEqualTo(footprint());
		route.settled(List.copyOf(consumer.held));
		assertThat(this.budget.usedBytes()).isZero();
	}

	@Test
	void aSendCannotCreateQueuesBeyondTheLimitButASubscribeCan() throws DestinationException {
		for (int q = 0; q < 4; q++) {
			assertThat(publish("/queue/q" + q).accepted()).isTrue();
		}
		PublishResult refused = publish("/queue/q4");
		assertThat(refused.accepted()).isFalse();
		assertThat(refused.refusal()).contains("'/queue/q4' cannot be created").contains("herald.queues.max-queues");
		assertThat(publish("/queue/q0").accepted()).as("existing queues still take messages").isTrue();
		Consumer consumer = new Consumer(10);
		subscribe("/queue/q5", consumer).ready();
		assertThat(this.router.queueCount()).isEqualTo(5);
		assertThat(publish("/queue/q5").accepted()).isTrue();
		assertThat(consumer.ids()).hasSize(1);
	}

	@Test
	void queuesEmptyAndUnconsumedThroughTheIdleTimeoutAreRemoved() throws DestinationException {
		Route gone = subscribe("/queue/left", new Consumer(10));
		gone.cancel();
		publish("/queue/holding");
		Route kept = subscribe("/queue/consumed", new Consumer(10));
		assertThat(this.router.retireIdleQueues(0)).as("the first sweep only starts the clock").isZero();
		assertThat(this.router.retireIdleQueues(IDLE - 1)).isZero();
		assertThat(this.router.retireIdleQueues(IDLE)).isEqualTo(1);
		assertThat(this.router.destinations()).extracting(DestinationInfo::name)
			.containsExactly("/queue/consumed", "/queue/holding");
		kept.cancel();
		this.router.purge("holding");
		assertThat(this.router.retireIdleQueues(2 * IDLE)).isZero();
		assertThat(this.router.retireIdleQueues(3 * IDLE)).isEqualTo(2);
		assertThat(this.router.queueCount()).isZero();
	}

	@Test
	void useBetweenSweepsRestartsTheIdleClock() throws DestinationException {
		publish("/queue/a");
		this.router.purge("a");
		assertThat(this.router.retireIdleQueues(0)).isZero();
		Route visit = subscribe("/queue/a", new Consumer(10));
		visit.cancel();
		assertThat(this.router.retireIdleQueues(IDLE)).as("a consumer came and went").isZero();
		assertThat(this.router.retireIdleQueues(2 * IDLE)).isEqualTo(1);
	}

	@Test
	void aRemovedQueueNameComesBackAsANewQueue() throws DestinationException {
		publish("/queue/a");
		this.router.purge("a");
		this.router.retireIdleQueues(0);
		this.router.retireIdleQueues(IDLE);
		assertThat(this.router.queueCount()).isZero();
		assertThat(publish("/queue/a").accepted()).isTrue();
		assertThat(this.router.queueDepth("a")).isEqualTo(1);
	}

	@Test
	void aRetiredQueueRefusesSoThatItsCallerLooksAgain() {
		QueueDestination queue = new QueueDestination("a", 10);
		assertThat(queue.retireIfIdle(0, IDLE)).isFalse();
		assertThat(queue.retireIfIdle(IDLE, IDLE)).isTrue();
		assertThat(queue.enqueue(message("/queue/a"))).isEqualTo(QueueDestination.Offer.RETIRED);
		assertThat(queue.addConsumer(new Consumer(1))).isFalse();
		assertThat(queue.requeue(List.of(message("/queue/a")))).isFalse();
	}

	@Test
	void aTransactionBeyondTheQueuesMemoryPublishesNothing() throws DestinationException {
		Router router = router(new QueueLimits(100, 100 * footprint(), 100, 3 * footprint(), Duration.ZERO));
		router.publish(Destination.forSend("/queue/a"), message("/queue/a"));
		List<Publication> publications = new ArrayList<>();
		for (String name : List.of("/queue/b", "/queue/c", "/queue/b")) {
			publications.add(new Publication(Destination.forSend(name), message(name)));
		}
		PublishResult refused = router.publishAll(publications);
		assertThat(refused.accepted()).isFalse();
		assertThat(refused.refusal()).contains("herald.queues.max-memory");
		assertThat(router.queueDepth("b") + router.queueDepth("c")).isZero();
		assertThat(router.queuedBytes()).isEqualTo(footprint());
		assertThat(router.publishAll(publications.subList(0, 2)).accepted()).isTrue();
		assertThat(router.queuedBytes()).isEqualTo(3 * footprint());
	}

	private Router router(QueueLimits limits) {
		return new Router(limits, 64, Router.DEFAULT_MAX_DESTINATION_SEGMENTS, InterestListener.NONE, this.budget);
	}

	private PublishResult publish(String destination) throws DestinationException {
		return this.router.publish(Destination.forSend(destination), message(destination));
	}

	private Route subscribe(String destination, Subscriber subscriber) throws DestinationException {
		return this.router.subscribe(Destination.forSubscribe(destination), null, subscriber);
	}

	private static long footprint() {
		return message("/queue/a").footprint();
	}

	private static Message message(String destination) {
		// same-length names and ids, so that every message has the same footprint
		return new Message(destination.substring(0, 8), Headers.builder().add("k", "v").build(), new byte[BODY], "id",
				false);
	}

	/**
	 * A consumer in a client ack mode, holding what it gets until the test settles it.
	 */
	private static final class AckingConsumer implements QueueConsumer {

		final List<Message> held = new ArrayList<>();

		@Override
		public boolean deliver(Message message, boolean redelivered) {
			this.held.add(message);
			return true;
		}

		@Override
		public boolean hasCapacity() {
			return true;
		}

		@Override
		public boolean settlesByAck() {
			return true;
		}

	}

}
