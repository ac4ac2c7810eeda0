package io.herald.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.herald.routing.TopicTreeCacheTest.Recorder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publishes racing subscription changes: once SUBSCRIBE (UNSUBSCRIBE) returned, every
 * later match sees the change, whatever the cache was doing meanwhile (misses, inserts,
 * sweeps).
 */
class TopicTreeConcurrencyTest {

	private static final String[] PATTERNS = { "a.b", "a.*", "#", "a.#", "*.b", "#.b", "a.b.#" };

	@Test
	void matchAfterSubscribeReturnedIsNeverStale() throws Exception {
		TopicTree tree = new TopicTree(4);
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService publishers = Executors.newFixedThreadPool(2);
		List<Future<?>> running = new ArrayList<>();
		try {
			for (int p = 0; p < 2; p++) {
				int seed = p;
				running.add(publishers.submit(() -> {
					long n = seed;
					while (!stop.get()) {
						tree.match("a.b");
						// distinct topics keep the small cache missing and sweeping
						tree.match("other." + (n++ % 16));
					}
				}));
			}
			for (int i = 0; i < 5_000; i++) {
				String pattern = PATTERNS[i % PATTERNS.length];
				Subscriber subscriber = new Recorder();
				tree.add(pattern, subscriber);
				assertThat(tree.match("a.b")).as("after subscribing %s", pattern).contains(subscriber);
				tree.remove(pattern, subscriber);
				assertThat(tree.match("a.b")).as("after unsubscribing %s", pattern).doesNotContain(subscriber);
			}
		}
		finally {
			stop.set(true);
			publishers.shutdown();
		}
		assertThat(publishers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		for (Future<?> publisher : running) {
			publisher.get();
		}
		assertThat(tree.subscriptionCount()).isZero();
		assertThat(tree.match("a.b")).isEmpty();
	}

}
