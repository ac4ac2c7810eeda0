package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retained last values ({@code herald.topics.rules[N].retain}): a new subscription first
 * gets the retained value of every topic it matches, marked
 * {@code x-herald-retained:true}, then live messages, never an older value after a newer
 * one of the same topic, nor one twice.
 */
class RetainedIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(
			"--herald.topics.rules[0].destinations[0]=/topic/retained.prices.#", "--herald.topics.rules[0].retain=last",
			"--herald.topics.rules[1].destinations[0]=/topic/retained.status.*",
			"--herald.topics.rules[1].retain=on-request",
			"--herald.topics.rules[2].destinations[0]=/topic/retained.mixed.#",
			"--herald.topics.rules[2].retain=on-request", "--herald.topics.rules[2].history-size=100000");

	private static String prefix(String name) {
		return "/topic/retained.prices." + HeraldServer.unique(name);
	}

	@OverEveryTransport
	void aWildcardSubscriberGetsTheLastPriceOfEverySymbolFirstThenLiveOnes(Transport transport) {
		String prices = prefix("wild");
		try (StompConnection feed = transport.connect(server)) {
			for (String symbol : List.of("AAPL", "MSFT", "NVDA")) {
				for (int i = 1; i <= 3; i++) {
					feed.publish(prices + "." + symbol, symbol + "-" + i);
				}
			}
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", prices + ".AAPL").body("AAPL-4"));
			try (StompConnection watcher = transport.connect(server)) {
				watcher.subscribe(prices + ".*", "all");
				List<StompFrame> retained = watcher.receiveMessages(3, StompConnection.WAIT);
				assertThat(retained).extracting(StompFrame::bodyText).containsExactly("AAPL-4", "MSFT-3", "NVDA-3");
				assertThat(retained).allSatisfy((message) -> {
					assertThat(message.header("x-herald-retained")).isEqualTo("true");
					assertThat(message.header("subscription")).isEqualTo("all");
				});
				feed.publish(prices + ".MSFT", "MSFT-4");
				StompFrame live = watcher.receiveMessages(1, StompConnection.WAIT).get(0);
				assertThat(live.bodyText()).isEqualTo("MSFT-4");
				assertThat(live.header("x-herald-retained")).as("live, not retained").isNull();
			}
		}
	}

	@Test
	void joiningWhilePricesStreamNeverShowsAnOlderPriceOrOneTwice() throws Exception {
		String prices = prefix("race");
		List<String> symbols = List.of("A", "B", "C", "D");
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger sent = new AtomicInteger();
		Thread feedThread;
		try (StompConnection feed = Transport.TCP.connect(server)) {
			feedThread = new Thread(() -> {
				// paced, about 4,000 messages a second, so that it outlasts every join
				for (int i = 1; running.get() && i <= 120_000; i++) {
					for (String symbol : symbols) {
						feed.publish(prices + "." + symbol, symbol + ":" + i);
					}
					sent.set(i);
					LockSupport.parkNanos(1_000_000);
				}
			}, "retained-feed");
			feedThread.start();
			try {
				for (int round = 0; round < 30; round++) {
					for (Transport transport : Transport.values()) {
						try (StompConnection joiner = transport.connect(server)) {
							joiner.subscribe(prices + ".*", "j");
							assertOrderedPerSymbol(joiner.receiveMessages(40, StompConnection.WAIT), symbols);
						}
					}
				}
			}
			finally {
				running.set(false);
				feedThread.join(Duration.ofSeconds(10).toMillis());
			}
		}
		assertThat(sent.get()).as("the feed kept publishing").isPositive();
	}

	/**
	 * Per symbol: numbers only grow, at most the first is retained, and a retained one
	 * comes before any live one of its symbol.
	 */
	private static void assertOrderedPerSymbol(List<StompFrame> messages, List<String> symbols) {
		Map<String, Integer> last = new HashMap<>();
		for (StompFrame message : messages) {
			String[] parts = message.bodyText().split(":");
			int number = Integer.parseInt(parts[1]);
			Integer before = last.put(parts[0], number);
			if (before != null) {
				assertThat(number).as("%s after %s of %s", number, before, parts[0]).isGreaterThan(before);
				assertThat(message.header("x-herald-retained")).as("retained only first").isNull();
			}
		}
		assertThat(last.keySet()).isSubsetOf(symbols);
	}

	@OverEveryTransport
	void anEmptyRetainedSendClearsTheValue(Transport transport) {
		String prices = prefix("clear");
		try (StompConnection feed = transport.connect(server)) {
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", prices + ".X").body("kept"));
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", prices + ".Y").body("kept"));
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", prices + ".X").body(""));
			try (StompConnection watcher = transport.connect(server)) {
				watcher.subscribe(prices + ".*", "w");
				StompFrame only = watcher.receiveMessages(1, StompConnection.WAIT).get(0);
				assertThat(only.header("destination")).isEqualTo(prices + ".Y");
				watcher.expectNoFrame(Duration.ofMillis(300));
			}
		}
	}

	@OverEveryTransport
	void onRequestRetainsWhatTheSendAsksForAndNoneRefusesTheHeader(Transport transport) {
		String status = "/topic/retained.status." + HeraldServer.unique("s");
		try (StompConnection feed = transport.connect(server)) {
			feed.sendWithReceipt(StompFrame.create("SEND")
				.header("destination", status)
				.body("kept")
				.header("x-herald-retain", "true"));
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", status).body("passing"));
			try (StompConnection watcher = transport.connect(server)) {
				watcher.subscribe(status, "w");
				StompFrame retained = watcher.receiveMessages(1, StompConnection.WAIT).get(0);
				assertThat(retained.bodyText()).isEqualTo("kept");
				assertThat(retained.header("x-herald-retained")).isEqualTo("true");
				assertThat(retained.header("x-herald-retain")).as("a control header, not passed on").isNull();
			}
		}
		String plain = "/topic/" + HeraldServer.unique("plain");
		try (StompConnection sender = transport.connect(server)) {
			sender.send(
					StompFrame.create("SEND").header("destination", plain).body("x").header("x-herald-retain", "true"));
			assertThat(sender.expectErrorAndClose().header("message"))
				.isEqualTo("x-herald-retain is not allowed on " + plain + ": no herald.topics.rules entry retains it");
		}
		try (StompConnection sender = transport.connect(server)) {
			sender.send(
					StompFrame.create("SEND").header("destination", status).body("x").header("x-herald-retain", "yes"));
			assertThat(sender.expectErrorAndClose().header("message"))
				.isEqualTo("x-herald-retain must be true or false, was 'yes'");
		}
	}

	@Test
	void beyondMaxRetainedTheLeastRecentlyUpdatedValueGoes() {
		try (HeraldServer small = HeraldServer.start("--herald.topics.rules[0].destinations[0]=/topic/few.#",
				"--herald.topics.rules[0].retain=last", "--herald.topics.max-retained=3");
				StompConnection feed = Transport.TCP.connect(small)) {
			for (String symbol : List.of("A", "B", "C", "D", "E")) {
				feed.sendWithReceipt(
						StompFrame.create("SEND").header("destination", "/topic/few." + symbol).body(symbol));
			}
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", "/topic/few.C").body("C2"));
			try (StompConnection watcher = Transport.TCP.connect(small)) {
				watcher.subscribe("/topic/few.*", "w");
				List<String> bodies = new ArrayList<>();
				watcher.receiveMessages(3, StompConnection.WAIT).forEach((m) -> bodies.add(m.bodyText()));
				assertThat(bodies).containsExactly("C2", "D", "E");
				watcher.expectNoFrame(Duration.ofMillis(300));
			}
		}
	}

	@Test
	void joiningAMixedTopicWhileItStreamsMissesNoMessageThatIsNotRetained() throws Exception {
		// on-request retaining with a history: every message is numbered, only the first
		// is retained; a joiner sees the retained one, then every later offset, none
		// missing
		String topic = "/topic/retained.mixed." + HeraldServer.unique("m");
		AtomicBoolean running = new AtomicBoolean(true);
		try (StompConnection feed = Transport.TCP.connect(server)) {
			feed.sendWithReceipt(
					StompFrame.create("SEND").header("destination", topic).header("x-herald-retain", "true").body("0"));
			Thread feedThread = new Thread(() -> {
				for (int i = 1; running.get() && i <= 200_000; i++) {
					feed.publish(topic, Integer.toString(i));
					LockSupport.parkNanos(250_000);
				}
			}, "mixed-feed");
			feedThread.start();
			try {
				for (int round = 0; round < 20; round++) {
					Transport transport = Transport.values()[round % Transport.values().length];
					try (StompConnection joiner = transport.connect(server)) {
						joiner.subscribe(topic, "j");
						List<StompFrame> messages = joiner.receiveMessages(30, StompConnection.WAIT);
						assertThat(messages.get(0).bodyText()).as("the retained value first").isEqualTo("0");
						long previous = -1;
						for (StompFrame message : messages.subList(1, messages.size())) {
							long offset = Long.parseLong(message.header("x-herald-offset"));
							if (previous >= 0) {
								assertThat(offset).as("round %d: no gap, no repeat", round).isEqualTo(previous + 1);
							}
							previous = offset;
						}
					}
				}
			}
			finally {
				running.set(false);
				feedThread.join(Duration.ofSeconds(10).toMillis());
			}
		}
	}

}
