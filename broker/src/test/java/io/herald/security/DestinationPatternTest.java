package io.herald.security;

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
		assertThat(DestinationPattern.compile(pattern).matches(destination, null)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} covers subscription {1}: {2}")
	@CsvSource({ "/topic/prices.*, /topic/prices.*, true", "/topic/prices.#, /topic/prices.*, true",
			"/topic/prices.#, /topic/prices.#, true", "/topic/prices.*, /topic/prices.#, false",
			"/topic/prices.AAPL, /topic/prices.*, false", "/topic/prices.#, /topic/#, false",
			"/topic/#, /topic/#, true" })
	void aWildcardSubscriptionMustBeCoveredWhole(String pattern, String subscription, boolean expected) {
		assertThat(DestinationPattern.compile(pattern).matches(subscription, "alice")).isEqualTo(expected);
	}

	@Test
	void userPlaceholderMatchesOnlyTheSessionsOwnName() {
		DestinationPattern pattern = DestinationPattern.compile("/user/{user}/queue/#");
		assertThat(pattern.matches("/user/alice/queue/inbox", "alice")).isTrue();
		assertThat(pattern.matches("/user/bob/queue/inbox", "alice")).isFalse();
		assertThat(pattern.matches("/user/alice/queue/inbox", null)).as("anonymous").isFalse();
	}

	@Test
	void userNamesThatLookLikeWildcardsOrPathsMatchNothing() {
		DestinationPattern pattern = DestinationPattern.compile("/topic/chat.{user}");
		assertThat(pattern.matches("/topic/chat.*", "*")).isFalse();
		assertThat(pattern.matches("/topic/chat.#", "#")).isFalse();
		assertThat(pattern.matches("/topic/chat.a.b", "a.b")).isFalse();
	}

	@Test
	void rejectsMalformedPatterns() {
		assertThatIllegalArgumentException().isThrownBy(() -> DestinationPattern.compile("topic/x"))
			.withMessageContaining("must start with '/'");
		assertThatIllegalArgumentException().isThrownBy(() -> DestinationPattern.compile("/topic/pri*"))
			.withMessageContaining("whole segments");
	}

}
