package io.herald.routing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Headers;

import static org.assertj.core.api.Assertions.assertThat;

class QueueDestinationTest {

	private final QueueDestination queue = new QueueDestination("jobs", 3);

	@Test
	void messagesWaitWhileNobodyConsumes() {
		assertThat(this.queue.enqueue(message("1"))).isEqualTo(QueueDestination.Offer.ACCEPTED);
		assertThat(this.queue.enqueue(message("2"))).isEqualTo(QueueDestination.Offer.ACCEPTED);
		assertThat(this.queue.depth()).isEqualTo(2);
		Consumer consumer = new Consumer(10);
		this.queue.addConsumer(consumer);
		assertThat(consumer.ids()).as("nothing flows before the consumer is ready").isEmpty();
		this.queue.consumerReady();
		assertThat(consumer.ids()).containsExactly("1", "2");
		assertThat(this.queue.depth()).isZero();
	}

	@Test
	void competingConsumersShareRoundRobin() {
		Consumer a = new Consumer(10);
		Consumer b = new Consumer(10);
		Consumer c = new Consumer(10);
		this.queue.addConsumer(a);
		this.queue.addConsumer(b);
		this.queue.addConsumer(c);
		for (int i = 1; i <= 7; i++) {
			this.queue.enqueue(message(Integer.toString(i)));
		}
		assertThat(a.ids()).containsExactly("1", "4", "7");
		assertThat(b.ids()).containsExactly("2", "5");
		assertThat(c.ids()).containsExactly("3", "6");
	}

	@Test
	void roundRobinSkipsConsumersWithoutCapacity() {
		Consumer full = new Consumer(0);
		Consumer open = new Consumer(10);
		this.queue.addConsumer(full);
		this.queue.addConsumer(open);
		this.queue.enqueue(message("1"));
		this.queue.enqueue(message("2"));
		assertThat(full.ids()).isEmpty();
		assertThat(open.ids()).containsExactly("1", "2");
	}

	@Test
	void consumerAtItsLimitGetsMoreOnlyAfterGainingCapacity() {
		Consumer consumer = new Consumer(1);
		this.queue.addConsumer(consumer);
		this.queue.enqueue(message("1"));
		this.queue.enqueue(message("2"));
		assertThat(consumer.ids()).containsExactly("1");
		assertThat(this.queue.depth()).isEqualTo(1);
		consumer.capacity = 1;
		this.queue.consumerReady();
		assertThat(consumer.ids()).containsExactly("1", "2");
	}

	@Test
	void fullBufferRefusesAndKeepsWhatItHolds() {
		for (int i = 1; i <= 3; i++) {
			assertThat(this.queue.enqueue(message(Integer.toString(i)))).isEqualTo(QueueDestination.Offer.ACCEPTED);
		}
		assertThat(this.queue.enqueue(message("4"))).isEqualTo(QueueDestination.Offer.FULL_LENGTH);
		assertThat(this.queue.depth()).isEqualTo(3);
		Consumer consumer = new Consumer(10);
		this.queue.addConsumer(consumer);
		this.queue.consumerReady();
		assertThat(consumer.ids()).containsExactly("1", "2", "3");
	}

	@Test
	void fullBufferAcceptsOnceAConsumerCanDrainIt() {
		Consumer consumer = new Consumer(0);
		this.queue.addConsumer(consumer);
		for (int i = 1; i <= 3; i++) {
			this.queue.enqueue(message(Integer.toString(i)));
		}
		consumer.capacity = 1;
		assertThat(this.queue.enqueue(message("4"))).as("dispatch first, then there is room")
			.isEqualTo(QueueDestination.Offer.ACCEPTED);
		assertThat(consumer.ids()).containsExactly("1");
		assertThat(this.queue.depth()).isEqualTo(3);
	}

	@Test
	void requeuedMessagesGoToTheHeadInOrderAsRedelivered() {
		Consumer away = new Consumer(0);
		this.queue.addConsumer(away);
		this.queue.enqueue(message("3"));
		this.queue.requeue(List.of(message("1"), message("2")));
		Consumer consumer = new Consumer(10);
		this.queue.addConsumer(consumer);
		this.queue.consumerReady();
		assertThat(consumer.ids()).containsExactly("1", "2", "3");
		assertThat(consumer.redelivered).containsExactly(true, true, false);
	}

	@Test
	void refusingConsumerIsDroppedAndTheMessageGoesToAnother() {
		Consumer closing = new Consumer(10);
		closing.refuse = true;
		Consumer other = new Consumer(10);
		this.queue.addConsumer(closing);
		this.queue.addConsumer(other);
		this.queue.enqueue(message("1"));
		this.queue.enqueue(message("2"));
		assertThat(other.ids()).containsExactly("1", "2");
		assertThat(this.queue.consumerCount()).isEqualTo(1);
	}

	@Test
	void refusedMessageStaysWhenNoOtherConsumer() {
		Consumer closing = new Consumer(10);
		closing.refuse = true;
		this.queue.addConsumer(closing);
		this.queue.enqueue(message("1"));
		assertThat(this.queue.depth()).isEqualTo(1);
		assertThat(this.queue.consumerCount()).isZero();
	}

	@Test
	void removingAConsumerKeepsTheRoundRobinFair() {
		Consumer a = new Consumer(10);
		Consumer b = new Consumer(10);
		Consumer c = new Consumer(10);
		this.queue.addConsumer(a);
		this.queue.addConsumer(b);
		this.queue.addConsumer(c);
		this.queue.enqueue(message("1"));
		this.queue.enqueue(message("2"));
		this.queue.removeConsumer(a);
		this.queue.enqueue(message("3"));
		this.queue.enqueue(message("4"));
		assertThat(a.ids()).containsExactly("1");
		assertThat(b.ids()).containsExactly("2", "4");
		assertThat(c.ids()).containsExactly("3");
	}

	@Test
	void removingAnUnknownConsumerChangesNothing() {
		Consumer a = new Consumer(10);
		this.queue.addConsumer(a);
		this.queue.removeConsumer(new Consumer(10));
		assertThat(this.queue.consumerCount()).isEqualTo(1);
	}

	static Message message(String id) {
		return new Message("/queue/jobs", Headers.builder().build(), new byte[0], id, false);
	}

	static final class Consumer implements QueueConsumer {

		final List<Message> messages = new ArrayList<>();

		final List<Boolean> redelivered = new ArrayList<>();

		int capacity;

		boolean refuse;

		Consumer(int capacity) {
			this.capacity = capacity;
		}

		@Override
		public boolean hasCapacity() {
			return this.capacity > 0;
		}

		@Override
		public boolean deliver(Message message, boolean redelivered) {
			if (this.refuse) {
				return false;
			}
			this.capacity--;
			this.messages.add(message);
			this.redelivered.add(redelivered);
			return true;
		}

		List<String> ids() {
			return this.messages.stream().map(Message::messageId).toList();
		}

	}

}
