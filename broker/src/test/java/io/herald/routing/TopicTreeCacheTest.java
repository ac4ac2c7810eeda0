package io.herald.routing;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The match cache of {@link TopicTree}: targeted updates, the bound, the walk's cost. */
class TopicTreeCacheTest {

	private final TopicTree tree = new TopicTree(8);

	@Test
	void unrelatedSubscribeKeepsACachedTopic() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a.b", subscriber);
		this.tree.match("x.y");
		TopicDestination cached = this.tree.destination("x.y");
		int misses = this.tree.misses();
		this.tree.add("c.d", new Recorder());
		this.tree.add("c.*", new Recorder());
		this.tree.add("#.z", new Recorder());
		this.tree.remove("a.b", subscriber);
		assertThat(this.tree.destination("x.y")).isSameAs(cached);
		assertThat(this.tree.misses()).as("no walk of the trie again").isEqualTo(misses);
	}

	@Test
	void matchingSubscribeUpdatesTheCachedTopicInPlace() {
		Subscriber exact = new Recorder();
		this.tree.add("a.b", exact);
		TopicDestination cached = this.tree.destination("a.b");
		Subscriber star = new Recorder();
		Subscriber hash = new Recorder();
		this.tree.add("a.*", star);
		this.tree.add("#", hash);
		assertThat(this.tree.destination("a.b")).isSameAs(cached);
		assertThat(cached.subscribers()).containsExactly(exact, star, hash);
		this.tree.remove("a.*", star);
		assertThat(cached.subscribers()).containsExactly(exact, hash);
		assertThat(this.tree.misses()).isZero();
	}

	@Test
	void subscriberOfTwoMatchingPatternsStaysUntilItLeavesBoth() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a.*", subscriber);
		assertThat(this.tree.match("a.b")).containsExactly(subscriber);
		this.tree.add("a.#", subscriber);
		this.tree.add("a.b", subscriber);
		assertThat(this.tree.match("a.b")).containsExactly(subscriber);
		this.tree.remove("a.*", subscriber);
		this.tree.remove("a.b", subscriber);
		assertThat(this.tree.match("a.b")).containsExactly(subscriber);
		this.tree.remove("a.#", subscriber);
		assertThat(this.tree.match("a.b")).isEmpty();
	}

	@Test
	void literalSubscriptionGivesItsTopicAHomeUntilItIsUnused() {
		Subscriber subscriber = new Recorder();
		this.tree.add("prices.AAPL", subscriber);
		assertThat(this.tree.cachedTopics()).isEqualTo(1);
		TopicDestination topic = this.tree.destination("prices.AAPL");
		assertThat(topic.subscriberCount()).isEqualTo(1);
		assertThat(this.tree.misses()).as("created by the subscription, not by a walk").isZero();
		this.tree.remove("prices.AAPL", subscriber);
		assertThat(this.tree.cachedTopics()).isZero();
	}

	@Test
	void topicStillMatchedByAWildcardStaysCachedWhenItsLiteralSubscriberLeaves() {
		Subscriber wildcard = new Recorder();
		Subscriber literal = new Recorder();
		this.tree.add("prices.*", wildcard);
		this.tree.add("prices.AAPL", literal);
		TopicDestination topic = this.tree.destination("prices.AAPL");
		this.tree.remove("prices.AAPL", literal);
		assertThat(this.tree.destination("prices.AAPL")).isSameAs(topic);
		assertThat(topic.subscribers()).containsExactly(wildcard);
	}

	@Test
	void overflowEvictsSomeEntriesNotAll() {
		Subscriber all = new Recorder();
		this.tree.add("#", all);
		for (int i = 0; i < 8; i++) {
			this.tree.match("topic." + i);
		}
		assertThat(this.tree.cachedTopics()).isEqualTo(8);
		assertThat(this.tree.evictions()).isZero();
		this.tree.match("topic.8");
		assertThat(this.tree.evictions()).isBetween(1, 2);
		assertThat(this.tree.cachedTopics()).isBetween(7, 8);
		assertThat(this.tree.match("topic.8")).as("the entry just added stays").containsExactly(all);
	}

	@Test
	void topicPublishedToBetweenSweepsSurvivesThem() {
		this.tree.add("#", new Recorder());
		this.tree.match("hot");
		TopicDestination hot = this.tree.destination("hot");
		for (int i = 0; i < 100; i++) {
			this.tree.match("cold." + i);
			assertThat(this.tree.destination("hot")).as("after %d cold topics", i).isSameAs(hot);
		}
		assertThat(this.tree.evictions()).isGreaterThan(80);
		assertThat(this.tree.cachedTopics()).isLessThanOrEqualTo(8);
	}

	@Test
	void pinnedTopicsAreNeverEvictedNorCounted() {
		Subscriber subscriber = new Recorder();
		this.tree.add("pinned", subscriber);
		TopicDestination pinned = this.tree.destination("pinned");
		for (int i = 0; i < 50; i++) {
			this.tree.match("other." + i);
		}
		assertThat(this.tree.destination("pinned")).isSameAs(pinned);
		assertThat(this.tree.match("pinned")).containsExactly(subscriber);
		assertThat(this.tree.cachedTopics()).as("8 unpinned and the pinned one").isLessThanOrEqualTo(9);
	}

	@Test
	void consecutiveHashesCostWhatOneHashCosts() {
		int segments = 24;
		Subscriber subscriber = new Recorder();
		this.tree.add(String.join(".", java.util.Collections.nCopies(24, "#")), subscriber);
		String topic = String.join(".", java.util.Collections.nCopies(segments, "a"));
		assertThat(this.tree.match(topic)).containsExactly(subscriber);
		// one # node: the root, then the # at each of the segments + 1 indexes
		assertThat(this.tree.lastMatchSteps()).isLessThanOrEqualTo(1 + 2 * (segments + 1));
		assertThat(TopicTree.collapseHashes("a.#.#.b.#.#.#")).isEqualTo("a.#.b.#");
		assertThat(TopicTree.collapseHashes("a#.#b.#.c")).isEqualTo("a#.#b.#.c");
		this.tree.remove("#.#", subscriber);
		assertThat(this.tree.match(topic)).isEmpty();
	}

	/**
	 * Regression (issue 9, "Wildcard matching explodes"): one SUBSCRIBE to a run of
	 * wildcards and one SEND to a long topic stalled routing. The walk's steps, counted,
	 * stay within 4 × (pattern segments + 1) × (topic segments + 1), whatever the
	 * pattern, and the walk agrees with the pattern test.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "#.#.#.#.#.#.#.#.#.#.#.#.#", "#.a.#.a.#.a.#.a.#.a.#.a.#", "*.#.*.#.*.#.*.#.*.#.*.#",
			"#.*.*.*.*.*.*.*.*.*.*.#", "a.#.#.#.a.#.#.#.a.#.#.#.z", "#.a.a.a.a.a.a.a.a.a.a.a.b",
			"#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#.*.#" })
	void matchingCostIsBoundedByTopicTimesPatternLength(String pattern) {
		Subscriber subscriber = new Recorder();
		this.tree.add(pattern, subscriber);
		String[] patternSegments = TopicTree.segments(pattern);
		for (int length : new int[] { 1, 8, 22, 26, 32 }) {
			String[] topic = java.util.Collections.nCopies(length, "a").toArray(String[]::new);
			Subscriber[] found = this.tree.match(String.join(".", topic));
			assertThat(found.length == 1).as("%s matches %d segments", pattern, length)
				.isEqualTo(TopicTree.matches(patternSegments, topic));
			assertThat(this.tree.lastMatchSteps()).as("steps for %d segments", length)
				.isLessThanOrEqualTo(4 * (patternSegments.length + 1) * (length + 1));
		}
	}

	@Test
	void manyAdversarialPatternsTogetherCostTheirSegmentsTimesTheTopicsAtMost() {
		String[] patterns = { "#.#.#.#.#.#.#.#.#.#.#.#.#", "#.a.#.a.#.a.#.a.#.a.#.a.#", "*.#.*.#.*.#.*.#.*.#.*.#",
				"#.*.*.*.*.*.*.*.*.*.*.#", "a.#.#.#.a.#.#.#.a.#.#.#.z", "#.a.#.b.#.a.#.b" };
		int patternSegments = 0;
		for (String pattern : patterns) {
			this.tree.add(pattern, new Recorder());
			patternSegments += TopicTree.segments(pattern).length;
		}
		int length = 32;
		this.tree.match(String.join(".", java.util.Collections.nCopies(length, "a")));
		assertThat(this.tree.lastMatchSteps()).isLessThanOrEqualTo(4 * (patternSegments + 1) * (length + 1));
	}

	@Test
	void walkAgreesWithThePatternTestOnRandomPatterns() {
		java.util.Random random = new java.util.Random(9);
		String[] patternAlphabet = { "a", "b", "*", "#" };
		for (int round = 0; round < 3000; round++) {
			TopicTree single = new TopicTree(8);
			String[] pattern = new String[1 + random.nextInt(6)];
			for (int i = 0; i < pattern.length; i++) {
				pattern[i] = patternAlphabet[random.nextInt(patternAlphabet.length)];
			}
			String[] topic = new String[1 + random.nextInt(7)];
			for (int i = 0; i < topic.length; i++) {
				topic[i] = random.nextBoolean() ? "a" : "b";
			}
			single.add(String.join(".", pattern), new Recorder());
			assertThat(single.match(String.join(".", topic)).length == 1)
				.as("%s against %s", String.join(".", pattern), String.join(".", topic))
				.isEqualTo(TopicTree.matches(pattern, topic));
		}
	}

	@ParameterizedTest(name = "{0} matches {1}: {2}")
	@CsvSource({ "a.b.c, a.b.c, true", "a.b.c, a.b, false", "a.*.c, a.b.c, true", "a.*.c, a.b.b.c, false",
			"#, a.b.c, true", "a.#, a, true", "#.c, a.b.c, true", "#.c, a.c.b, false", "a.#.b, a.b.b, true",
			"a.#.b, a.x, false", "#.#, a, true", "a.#.#.b, a.b, true", "*.#, a, true", "#.*, a.b, true",
			"a.*.#, a, false", "a.*.#, a.b.c.d, true", "a.#.b.#.c, a.b.x.b.c, true", "a.#.b.#.c, a.c.b, false",
			"a*.b, a*.b, true", "a*.b, ax.b, false", "a.*.c, a..c, true" })
	void targetedUpdateMatchesAsTheTrieDoes(String pattern, String topic, boolean matches) {
		assertThat(TopicTree.matches(TopicTree.segments(pattern), TopicTree.segments(topic))).isEqualTo(matches);
		Subscriber subscriber = new Recorder();
		this.tree.add(pattern, subscriber);
		assertThat(this.tree.match(topic)).containsExactlyElementsOf(matches ? List.of(subscriber) : List.of());
	}

	@Test
	void publishingCountsPerTopic() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a", subscriber);
		Message message = new Message("/topic/a", io.herald.protocol.Headers.builder().build(), new byte[0], "1",
				false);
		TopicDestination topic = this.tree.destination("a");
		assertThat(topic.publish(message)).isEqualTo(new PublishResult(true, 1, null));
		topic.publish(message);
		assertThat(topic.published()).isEqualTo(2);
	}

	static final class Recorder implements Subscriber {

		@Override
		public boolean deliver(Message message, boolean redelivered) {
			return true;
		}

	}

}
