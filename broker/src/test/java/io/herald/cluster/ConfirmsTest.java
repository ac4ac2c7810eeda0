package io.herald.cluster;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stores of a storing channel as RabbitMQ's confirmations settle them: one or all up
 * to a sequence number, those sent too long ago, all of them when the channel ends.
 */
class ConfirmsTest {

	private final Confirms confirms = new Confirms();

	private Confirms.Pending store(long seq, long sentNanos) {
		Confirms.Pending pending = new Confirms.Pending(new CompletableFuture<>(), "/queue/q" + seq, sentNanos);
		assertThat(this.confirms.add(seq, pending)).isTrue();
		return pending;
	}

	@Test
	void aConfirmationSettlesItsStoreOrEveryStoreUpToItWhenMultiple() {
		Confirms.Pending first = store(1, 0);
		Confirms.Pending second = store(2, 0);
		Confirms.Pending third = store(3, 0);
		Confirms.Pending fourth = store(4, 0);
		assertThat(this.confirms.settle(3, false)).containsExactly(third);
		assertThat(this.confirms.settle(2, true)).containsExactly(first, second);
		assertThat(this.confirms.settle(2, true)).as("settled once").isEmpty();
		assertThat(this.confirms.get(4)).isSameAs(fourth);
	}

	@Test
	void storesSentBeforeTheBoundExpireTheOthersWait() {
		Confirms.Pending old = store(1, 100);
		Confirms.Pending recent = store(2, 300);
		assertThat(this.confirms.expire(200)).containsExactly(old);
		assertThat(this.confirms.get(2)).isSameAs(recent);
	}

	@Test
	void aDeadTrackerHandsBackWhatItHeldAndTakesNothingMore() {
		Confirms.Pending held = store(1, 0);
		assertThat(this.confirms.kill()).containsExactly(held);
		assertThat(this.confirms.add(2, new Confirms.Pending(new CompletableFuture<>(), "/queue/late", 0)))
			.as("a store racing the channel's end fails at once")
			.isFalse();
		assertThat(Confirms.dead().add(1, held)).isFalse();
	}

}
