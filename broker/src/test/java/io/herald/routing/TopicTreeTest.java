package io.herald.routing;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TopicTreeTest {

	private final TopicTree tree = new TopicTree(16);

	@ParameterizedTest(name = "{0} matches {1}: {2}")
	@CsvSource({ "a.b.c, a.b.c, true", "a.b.c, a.b, false", "a.b, a.b.c, false", "a.*.c, a.b.c, true",
			"a.*.c, a.c, false", "a.*.c, a.b.b.c, false", "*, a, true", "*, a.b, false", "*.*, a.b, true",
			"a.*, a, false", "#, a, true", "#, a.b.c, true", "a.#, a, true", "a.#, a.b, true", "a.#, a.b.c, true",
			"a.#, b.a, false", "#.c, c, true", "#.c, a.b.c, true", "#.c, a.c.b, false", "a.#.b, a.b, true",
			"a.#.b, a.x.b, true", "a.#.b, a.x.y.b, true", "a.#.b, a.b.b, true", "a.#.b, a.x, false", "a.#.b, b, false",
			"#.#, a, true", "a.#.#.b, a.b, true", "*.#, a, true", "*.#, a.b.c, true", "#.*, a.b, true",
			"a.*.#, a, false", "a.*.#, a.b, true", "a.*.#, a.b.c.d, true", "prices.*, prices.AAPL, true",
			"prices.*, prices.AAPL.bid, false" })
	void patternMatchesTopic(String pattern, String topic, boolean matches) {
		Subscriber subscriber = new Recorder();
		this.tree.add(pattern, subscriber);
		assertThat(this.tree.match(topic)).as("%s against %s", pattern, topic)
			.containsExactlyElementsOf(matches ? List.of(subscriber) : List.of());
	}

	@Test
	void hashAloneMatchesEveryTopic() {
		Subscriber all = new Recorder();
		this.tree.add("#", all);
		for (String topic : List.of("a", "a.b", "a.b.c.d.e", "x..y", "")) {
			assertThat(this.tree.match(topic)).as(topic).containsExactly(all);
		}
	}

	@Test
	void emptySegmentsAreSegmentsToo() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a.*.c", subscriber);
		assertThat(this.tree.match("a..c")).containsExactly(subscriber);
		assertThat(this.tree.match("a.c")).isEmpty();
	}

	@Test
	void subscriberMatchedByManyPatternsIsReturnedOnce() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a.#", subscriber);
		this.tree.add("a.*", subscriber);
		this.tree.add("#", subscriber);
		this.tree.add("a.b", subscriber);
		assertThat(this.tree.match("a.b")).containsExactly(subscriber);
		assertThat(this.tree.subscriptionCount()).isEqualTo(4);
	}

	@Test
	void patternWithSeveralHashesMatchesEachSubscriberOnce() {
		Subscriber subscriber = new Recorder();
		this.tree.add("#.#.#", subscriber);
		assertThat(this.tree.match("a.b.c.d")).containsExactly(subscriber);
	}

	@Test
	void matchesEverySubscriberOfEveryMatchingPattern() {
		Subscriber exact = new Recorder();
		Subscriber star = new Recorder();
		Subscriber hash = new Recorder();
		Subscriber other = new Recorder();
		this.tree.add("prices.AAPL", exact);
		this.tree.add("prices.*", star);
		this.tree.add("prices.#", hash);
		this.tree.add("news.*", other);
		assertThat(this.tree.match("prices.AAPL")).containsExactlyInAnyOrder(exact, star, hash);
		assertThat(this.tree.match("prices.MSFT")).containsExactlyInAnyOrder(star, hash);
		assertThat(this.tree.match("prices")).containsExactly(hash);
		assertThat(this.tree.match("news.x")).containsExactly(other);
		assertThat(this.tree.match("weather")).isEmpty();
	}

	@Test
	void subscribeInvalidatesACachedMatch() {
		Subscriber first = new Recorder();
		this.tree.add("a.b", first);
		assertThat(this.tree.match("a.b")).containsExactly(first);
		assertThat(this.tree.cachedTopics()).isEqualTo(1);
		Subscriber second = new Recorder();
		this.tree.add("a.*", second);
		assertThat(this.tree.match("a.b")).containsExactlyInAnyOrder(first, second);
	}

	@Test
	void cachedEmptyMatchIsInvalidatedBySubscribe() {
		assertThat(this.tree.match("a.b")).isEmpty();
		Subscriber late = new Recorder();
		this.tree.add("#", late);
		assertThat(this.tree.match("a.b")).containsExactly(late);
	}

	@Test
	void unsubscribeInvalidatesACachedMatch() {
		Subscriber first = new Recorder();
		Subscriber second = new Recorder();
		this.tree.add("a.*", first);
		this.tree.add("a.*", second);
		assertThat(this.tree.match("a.b")).containsExactlyInAnyOrder(first, second);
		assertThat(this.tree.remove("a.*", first)).isTrue();
		assertThat(this.tree.match("a.b")).containsExactly(second);
		assertThat(this.tree.remove("a.*", second)).isTrue();
		assertThat(this.tree.match("a.b")).isEmpty();
		assertThat(this.tree.subscriptionCount()).isZero();
	}

	@Test
	void removingWhatWasNeverAddedChangesNothing() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a.b", subscriber);
		assertThat(this.tree.remove("a.c", subscriber)).isFalse();
		assertThat(this.tree.remove("a.b", new Recorder())).isFalse();
		assertThat(this.tree.remove("a.b.c", subscriber)).isFalse();
		assertThat(this.tree.match("a.b")).containsExactly(subscriber);
		assertThat(this.tree.subscriptionCount()).isEqualTo(1);
	}

	@Test
	void sameSubscriberTwiceOnOnePatternIsRemovedOneAtATime() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a", subscriber);
		this.tree.add("a", subscriber);
		assertThat(this.tree.remove("a", subscriber)).isTrue();
		assertThat(this.tree.match("a")).containsExactly(subscriber);
		assertThat(this.tree.remove("a", subscriber)).isTrue();
		assertThat(this.tree.match("a")).isEmpty();
	}

	@Test
	void prunedBranchCanBeSubscribedAgain() {
		Subscriber first = new Recorder();
		this.tree.add("a.b.c", first);
		this.tree.remove("a.b.c", first);
		Subscriber second = new Recorder();
		this.tree.add("a.b.c", second);
		assertThat(this.tree.match("a.b.c")).containsExactly(second);
	}

	@Test
	void pruningKeepsSiblingsAndAncestorsWithSubscribers() {
		Subscriber parent = new Recorder();
		Subscriber sibling = new Recorder();
		Subscriber leaf = new Recorder();
		this.tree.add("a", parent);
		this.tree.add("a.b.d", sibling);
		this.tree.add("a.b.c", leaf);
		this.tree.remove("a.b.c", leaf);
		assertThat(this.tree.match("a")).containsExactly(parent);
		assertThat(this.tree.match("a.b.d")).containsExactly(sibling);
		assertThat(this.tree.match("a.b.c")).isEmpty();
	}

	@Test
	void cacheStaysBounded() {
		Subscriber subscriber = new Recorder();
		this.tree.add("#", subscriber);
		for (int i = 0; i < 100; i++) {
			assertThat(this.tree.match("topic." + i)).containsExactly(subscriber);
			assertThat(this.tree.cachedTopics()).isLessThanOrEqualTo(16);
		}
	}

	@Test
	void cacheSizeMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TopicTree(0))
			.withMessageContaining("maxCacheEntries");
	}

	@Test
	void wildcardsAreWholeSegmentsOnly() {
		assertThat(TopicTree.isPattern("a.*")).isTrue();
		assertThat(TopicTree.isPattern("#")).isTrue();
		assertThat(TopicTree.isPattern("a.#.b")).isTrue();
		assertThat(TopicTree.isPattern("a*.b")).isFalse();
		assertThat(TopicTree.isPattern("a.b#")).isFalse();
		assertThat(TopicTree.isPattern("a.b")).isFalse();
	}

	@Test
	void wildcardCharactersInsideASegmentMatchLiterally() {
		Subscriber subscriber = new Recorder();
		this.tree.add("a*.b", subscriber);
		assertThat(this.tree.match("a*.b")).containsExactly(subscriber);
		assertThat(this.tree.match("ax.b")).isEmpty();
	}

	@Test
	void segmentsKeepEmptyParts() {
		assertThat(Arrays.asList(TopicTree.segments("a..b."))).containsExactly("a", "", "b", "");
	}

	private static final class Recorder implements Subscriber {

		@Override
		public boolean deliver(Message message, boolean redelivered) {
			return true;
		}

	}

}
