package io.herald.feed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A simulated market: each symbol's price takes a geometric random walk from its opening
 * price, so it stays positive and moves by a similar share at any level. Not thread-safe:
 * one publishing thread steps it.
 */
final class Market {

	/** The standard deviation of one step's relative move: about 0.2 %. */
	private static final double VOLATILITY = 0.002;

	private final RandomGenerator random;

	private final Map<String, double[]> quotes = new LinkedHashMap<>();

	/**
	 * @param symbols the symbols, each opening at a price between 20 and 500
	 */
	Market(List<String> symbols, RandomGenerator random) {
		this.random = random;
		for (String symbol : symbols) {
			double open = 20 + random.nextDouble() * 480;
			this.quotes.put(symbol, new double[] { open, open });
		}
	}

	/** Moves every symbol one step and returns the ticks, stamped {@code timestamp}. */
	List<Tick> step(long timestamp) {
		return this.quotes.entrySet().stream().map((quote) -> {
			double[] prices = quote.getValue();
			prices[1] *= Math.exp(VOLATILITY * this.random.nextGaussian());
			return new Tick(quote.getKey(), round(prices[1]), round(prices[1] - prices[0]), timestamp);
		}).toList();
	}

	private static double round(double price) {
		return Math.round(price * 100) / 100.0;
	}

	/**
	 * One price update, as the demo's ticker reads it.
	 *
	 * @param symbol such as {@code AAPL}
	 * @param price the last price
	 * @param change since the feed started
	 * @param timestamp when the feed made it, in milliseconds since the epoch: the page
	 * measures its end-to-end latency from it
	 */
	record Tick(String symbol, double price, double change, long timestamp) {
	}

}
