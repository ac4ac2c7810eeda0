package io.herald.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DestinationPatternTest {

	@ParameterizedTest(name = "{0} matches {1}: {2}")
	@CsvSource({ "/topic/prices.*, /topic/prices.AAPL, true", "/topic/prices.*, /topic/prices, false",
			"/topic/prices.*, /topic/prices.AAPL.bid, false", "/topic/prices.#, /topic/prices, true",
			"/topic/prices.#, /topic/prices.AAPL.bid, true", "/topic/#, /topic/chat.room1, true",
			"/topic/#, /queue/orders, false", "/topic/chat.room1, /topic/chat.room1, true",
			"/topic/chat.room1, /topic/chat.room2, false", "/topic/#.bid, /topic/prices.AAPL.bid, true",
			"/topic/#.bid, /topic/prices.AAPL.ask, false", "/#, /user/bob/queue/inbox, true" })
	void matchesConcreteDestinations(String pattern, String destination, boolean expected) {
		assertThat(DestinationPattern.compile(pattern).covers(destination, null)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} covers subscription {1}: {2}")
	@CsvSource({ "/topic/prices.*, /topic/prices.*, true", "/topic/prices.#, /topic/prices.*, true",
			"/topic/prices.#, /topic/prices.#, true", "/topic/prices.*, /topic/prices.#, false",
			"/topic/prices.AAPL, /topic/prices.*, false", "/topic/prices.#, /topic/#, false",
			"/topic/#, /topic/#, true" })
	void aWildcardSubscriptionMustBeCoveredWhole(String pattern, String subscription, boolean expected) {
		assertThat(DestinationPattern.compile(pattern).covers(subscription, "alice")).isEqualTo(expected);
	}

	@Test
	void userPlaceholderMatchesOnlyTheSessionsOwnName() {
		DestinationPattern pattern = DestinationPattern.compile("/user/{user}/queue/#");
		assertThat(pattern.covers("/user/alice/queue/inbox", "alice")).isTrue();
		assertThat(pattern.covers("/user/bob/queue/inbox", "alice")).isFalse();
		assertThat(pattern.covers("/user/alice/queue/inbox", null)).as("anonymous").isFalse();
	}

	@Test
	void userNamesThatLookLikeWildcardsOrPathsMatchNothing() {
		DestinationPattern pattern = DestinationPattern.compile("/topic/chat.{user}");
		assertThat(pattern.covers("/topic/chat.*", "*")).isFalse();
		assertThat(pattern.covers("/topic/chat.#", "#")).isFalse();
		assertThat(pattern.covers("/topic/chat.a.b", "a.b")).isFalse();
	}

	@ParameterizedTest(name = "{0} overlaps subscription {1}: {2}")
	@CsvSource({ "/topic/secret.#, /topic/#, true", "/topic/secret.#, /topic/*, true",
			"/topic/secret.#, /topic/*.plans, true", "/topic/secret.#, /topic/public.*, false",
			"/topic/secret.plans, /topic/*.*, true", "/topic/secret.plans, /topic/*, false",
			"/topic/#, /queue/#, false", "/#, /queue/x, true", "/topic/a.*.c, /topic/#.c, true",
			"/topic/a.b, /topic/#.c, false" })
	void overlapsWhenSomeDestinationOfTheSubscriptionMatches(String pattern, String subscription, boolean expected) {
		assertThat(DestinationPattern.compile(pattern).overlaps(subscription, "alice")).isEqualTo(expected);
	}

	@Test
	void segmentsAreTheNameSplitAtDotsAsRoutingSeesThem() {
		// routing splits only the name at dots: '/' inside a name is part of a segment
		assertThat(DestinationPattern.compile("/topic/*").covers("/topic/secret/x", null)).isTrue();
		assertThat(DestinationPattern.compile("/topic/secret.#").overlaps("/topic/secret/x", null)).isFalse();
		assertThat(DestinationPattern.compile("/user/*/queue/#").covers("/user/bob/queue/inbox", null)).isTrue();
		assertThat(DestinationPattern.compile("/user/queue/#").covers("/user/queue/inbox", null)).isTrue();
		assertThat(DestinationPattern.compile("/user/queue/#").covers("/user/bob/queue/inbox", null)).isFalse();
		assertThat(DestinationPattern.compile("/topic/#").covers("/herald/token", null)).isFalse();
	}

	@Test
	void manyWildcardsStayCheap() {
		String hashes = "/topic/" + "#.".repeat(2000) + "x";
		assertThat(DestinationPattern.compile("/topic/#.y").overlaps(hashes, null)).isFalse();
		assertThat(DestinationPattern.compile("/topic/#.x").covers(hashes, null)).isTrue();
	}

	@Test
	void rejectsMalformedPatterns() {
		assertThatIllegalArgumentException().isThrownBy(() -> DestinationPattern.compile("topic/x"))
			.withMessageContaining("must start with '/'");
		assertThatIllegalArgumentException().isThrownBy(() -> DestinationPattern.compile("/topic/pri*"))
			.withMessageContaining("whole segments");
	}

}
