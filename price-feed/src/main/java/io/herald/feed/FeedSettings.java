package io.herald.feed;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the feed is told on its command line, {@code --key=value}, each with a default
 * that works against the README's run command.
 *
 * @param host the broker's STOMP/TCP host
 * @param port its STOMP/TCP port
 * @param login the CONNECT {@code login} ({@code price-feed}, the feed user of
 * {@code config/production.yml}; ignored by an anonymous broker)
 * @param passcode the CONNECT {@code passcode}, or from {@code HERALD_FEED_PASSCODE}
 * @param symbols the symbols published, each on {@code /topic/prices.SYMBOL}
 * @param rate ticks per second for each symbol
 */
record FeedSettings(String host, int port, String login, String passcode, List<String> symbols, double rate) {

	static final List<String> DEFAULT_SYMBOLS = List.of("AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "JPM",
			"V", "NFLX");

	private static final Set<String> KEYS = Set.of("host", "port", "login", "passcode", "symbols", "rate");

	FeedSettings {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("--port must be between 1 and 65535, was " + port);
		}
		if (!(rate > 0 && rate <= 1000)) {
			throw new IllegalArgumentException(
					"--rate (ticks per second per symbol) must be above 0 and at most 1000, was " + rate);
		}
		if (symbols.isEmpty() || symbols.stream().anyMatch((symbol) -> !symbol.matches("[A-Z0-9_-]{1,20}"))) {
			throw new IllegalArgumentException(
					"--symbols must be a comma-separated list of 1 to 20 capital letters, digits, - or _, was "
							+ symbols);
		}
	}

	/** Reads {@code --key=value} arguments; anything else is refused, naming it. */
	static FeedSettings parse(String[] args, Map<String, String> environment) {
		Map<String, String> given = new HashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			String key = (arg.startsWith("--") && equals > 2) ? arg.substring(2, equals) : null;
			if (key == null || !KEYS.contains(key)) {
				throw new IllegalArgumentException("unknown argument '" + arg + "'; use --host=, --port=, --login=, "
						+ "--passcode=, --symbols=AAPL,MSFT or --rate=TICKS_PER_SECOND");
			}
			given.put(key, arg.substring(equals + 1));
		}
		List<String> symbols = given.containsKey("symbols")
				? Arrays.stream(given.get("symbols").split(",")).map(String::trim).filter((s) -> !s.isEmpty()).toList()
				: DEFAULT_SYMBOLS;
		return new FeedSettings(given.getOrDefault("host", "127.0.0.1"), number("port", given, "61613"),
				given.getOrDefault("login", "price-feed"),
				given.getOrDefault("passcode", environment.getOrDefault("HERALD_FEED_PASSCODE", "")), symbols,
				decimal("rate", given, "2"));
	}

	private static int number(String key, Map<String, String> given, String fallback) {
		try {
			return Integer.parseInt(given.getOrDefault(key, fallback));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + key + " must be a whole number, was '" + given.get(key) + "'");
		}
	}

	private static double decimal(String key, Map<String, String> given, String fallback) {
		try {
			return Double.parseDouble(given.getOrDefault(key, fallback));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--" + key + " must be a number, was '" + given.get(key) + "'");
		}
	}

}
