package io.herald.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.herald.protocol.Headers;
import io.herald.routing.Destination.Kind;
import io.herald.routing.QueueDestinationTest.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InterestListenerTest {

	private final Recording interest = new Recording();

	private final Router router = new Router(10, 16, this.interest);

	@Test
	void topicPatternGainsInterestWithItsFirstSubscriberAndLosesItWithItsLast() throws DestinationException {
		Route first = subscribe("/topic/prices.AAPL");
		Route second = subscribe("/topic/prices.AAPL");
		assertThat(this.interest.events).containsExactly("+TOPIC prices.AAPL");
		first.cancel();
		assertThat(this.interest.events).containsExactly("+TOPIC prices.AAPL");
		second.cancel();
		assertThat(this.interest.events).containsExactly("+TOPIC prices.AAPL", "-TOPIC prices.AAPL");
	}

	@Test
	void eachWildcardPatternIsAnInterestOfItsOwn() throws DestinationException {
		Route star = subscribe("/topic/prices.*");
		Route hash = subscribe("/topic/prices.#");
		Route exact = subscribe("/topic/prices.AAPL");
		Route again = subscribe("/topic/prices.*");
		assertThat(this.interest.events).containsExactly("+TOPIC prices.*", "+TOPIC prices.#", "+TOPIC prices.AAPL");
		star.cancel();
		hash.cancel();
		exact.cancel();
		assertThat(this.interest.events).endsWith("-TOPIC prices.#", "-TOPIC prices.AAPL");
		again.cancel();
		assertThat(this.interest.events).endsWith("-TOPIC prices.*");
		assertThat(this.interest.events).hasSize(6);
	}

	@Test
	void cancellingTwiceTellsOnce() throws DestinationException {
		Route route = subscribe("/topic/a");
		route.cancel();
		route.cancel();
		assertThat(this.interest.events).containsExactly("+TOPIC a", "-TOPIC a");
	}

	@Test
	void queueInterestFollowsItsConsumers() throws DestinationException {
		Route first = subscribe("/queue/jobs");
		Route second = subscribe("/queue/jobs");
		first.cancel();
		assertThat(this.interest.events).containsExactly("+QUEUE jobs");
		second.cancel();
		assertThat(this.interest.events).containsExactly("+QUEUE jobs", "-QUEUE jobs");
	}

	@Test
	void queueLosesInterestWhenItDropsARefusingLastConsumer() throws DestinationException {
		Consumer closing = new Consumer(10);
		closing.refuse = true;
		this.router.subscribe(Destination.forSubscribe("/queue/jobs"), null, closing);
		this.router.publish(Destination.forSend("/queue/jobs"), message());
		assertThat(this.interest.events).containsExactly("+QUEUE jobs", "-QUEUE jobs");
	}

	@Test
	void userQueueInterestNamesTheUser() throws DestinationException {
		Route alice = this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "alice", new Consumer(10));
		Route aliceAgain = this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "alice",
				new Consumer(10));
		Route bob = this.router.subscribe(Destination.forSubscribe("/user/queue/inbox"), "bob", new Consumer(10));
		alice.cancel();
		bob.cancel();
		aliceAgain.cancel();
		assertThat(this.interest.events).containsExactly("+USER alice/queue/inbox", "+USER bob/queue/inbox",
				"-USER bob/queue/inbox", "-USER alice/queue/inbox");
	}

	@Test
	void listenerIsRequired() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Router(1, 1, null))
			.withMessageContaining("InterestListener.NONE");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/topic/prices.*", "/topic/prices.AAPL", "/topic/#", "/queue/jobs", "/user/queue/inbox" })
	void concurrentSubscribesAndCancelsOfOnePatternEndWithAConsistentCount(String destination) throws Exception {
		Counting counting = new Counting();
		Router router = new Router(10, 4, counting);
		Destination parsed = Destination.forSubscribe(destination);
		int threads = 4;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<Future<Route>> kept = new ArrayList<>();
		try {
			for (int t = 0; t < threads; t++) {
				boolean keepLast = t == 0;
				kept.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 2_000; i++) {
						router.subscribe(parsed, "alice", new Quiet()).cancel();
						// other destinations' traffic must not disturb the count
						router.publish(Destination.forSend("/topic/prices.AAPL"), message());
					}
					return keepLast ? router.subscribe(parsed, "alice", new Quiet()) : null;
				}));
			}
			Route last = null;
			for (Future<Route> future : kept) {
				Route route = future.get(30, TimeUnit.SECONDS);
				last = (route != null) ? route : last;
			}
			assertThat(counting.violations).as("gained and lost alternate").isEmpty();
			assertThat(counting.interest).containsOnlyKeys(interestOf(parsed));
			assertThat(counting.interest.get(interestOf(parsed))).as("one subscription left").isEqualTo(1);
			last.cancel();
			assertThat(counting.interest.get(interestOf(parsed))).isZero();
			assertThat(counting.violations).isEmpty();
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static Destination interestOf(Destination subscribed) {
		return (subscribed.kind() == Kind.USER) ? new Destination(Kind.USER, subscribed.name(), "alice") : subscribed;
	}

	private Route subscribe(String destination) throws DestinationException {
		return this.router.subscribe(Destination.forSubscribe(destination), "alice", new Consumer(10));
	}

	private static Message message() {
		return new Message("/x", Headers.builder().build(), new byte[0], "1", false);
	}

	/** Takes anything, from any thread. */
	private static final class Quiet implements QueueConsumer {

		@Override
		public boolean hasCapacity() {
			return true;
		}

		@Override
		public boolean deliver(Message message, boolean redelivered) {
			return true;
		}

	}

	private static final class Recording implements InterestListener {

		final List<String> events = new ArrayList<>();

		@Override
		public void interestGained(Destination destination) {
			this.events.add("+" + describe(destination));
		}

		@Override
		public void interestLost(Destination destination) {
			this.events.add("-" + describe(destination));
		}

		private static String describe(Destination destination) {
			return destination.kind() + " "
					+ ((destination.user() != null) ? destination.user() + destination.name() : destination.name());
		}

	}

	/**
	 * Counts interest per destination as a backplane would, noting any call out of turn.
	 */
	private static final class Counting implements InterestListener {

		final Map<Destination, Integer> interest = new ConcurrentHashMap<>();

		final List<String> violations = Collections.synchronizedList(new ArrayList<>());

		@Override
		public void interestGained(Destination destination) {
			int before = this.interest.getOrDefault(destination, 0);
			if (before != 0) {
				this.violations.add("gained while held: " + destination);
			}
			this.interest.put(destination, before + 1);
		}

		@Override
		public void interestLost(Destination destination) {
			int before = this.interest.getOrDefault(destination, 0);
			if (before != 1) {
				this.violations.add("lost while not held: " + destination);
			}
			this.interest.put(destination, before - 1);
		}

	}

}
