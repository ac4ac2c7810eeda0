package io.herald.feed;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class FeedTest {

	@Test
	void theMarketWalksEverySymbolKeepingPricesPositiveAndChangeFromTheOpen() {
		Market market = new Market(List.of("AAPL", "MSFT"), new Random(42));
		List<Market.Tick> first = market.step(1_000);
		assertThat(first).extracting(Market.Tick::symbol).containsExactly("AAPL", "MSFT");
		double open = first.get(0).price() - first.get(0).change();
		Market.Tick last = first.get(0);
		for (int i = 0; i < 10_000; i++) {
			last = market.step(2_000 + i).get(0);
			assertThat(last.price()).isPositive();
		}
		assertThat(last.change()).isCloseTo(last.price() - open, within(0.02));
		assertThat(last.timestamp()).isEqualTo(2_000 + 9_999);
	}

	@Test
	void settingsDefaultToTheEmbeddedBrokerAndTheDemoSymbols() {
		FeedSettings settings = FeedSettings.parse(new String[0], Map.of("HERALD_FEED_PASSCODE", "secret"));
		assertThat(settings.host()).isEqualTo("127.0.0.1");
		assertThat(settings.port()).isEqualTo(61613);
		assertThat(settings.login()).isEqualTo("price-feed");
		assertThat(settings.passcode()).isEqualTo("secret");
		assertThat(settings.symbols()).isEqualTo(FeedSettings.DEFAULT_SYMBOLS);
		FeedSettings given = FeedSettings.parse(new String[] { "--symbols=AAPL, TSLA", "--rate=0.5", "--port=16613" },
				Map.of());
		assertThat(given.symbols()).containsExactly("AAPL", "TSLA");
		assertThat(given.rate()).isEqualTo(0.5);
		assertThat(given.port()).isEqualTo(16613);
	}

	@Test
	void badArgumentsAreRefusedNamingThem() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FeedSettings.parse(new String[] { "--speed=3" }, Map.of()))
			.withMessageStartingWith("unknown argument '--speed=3'");
		assertThatIllegalArgumentException().isThrownBy(() -> FeedSettings.parse(new String[] { "--rate=0" }, Map.of()))
			.withMessageStartingWith("--rate (ticks per second per symbol) must be above 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FeedSettings.parse(new String[] { "--symbols=aapl" }, Map.of()))
			.withMessageContaining("--symbols");
		assertThatIllegalArgumentException().isThrownBy(() -> FeedSettings.parse(new String[] { "--port=x" }, Map.of()))
			.withMessage("--port must be a whole number, was 'x'");
	}

}
