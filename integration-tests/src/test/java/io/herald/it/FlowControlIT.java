package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StalledClient;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow control per subscriber ({@code herald.topics.rules[N].slow-consumer},
 * {@code x-herald-max-rate}): a subscriber that stops reading on a {@code conflate} or
 * {@code drop-oldest} topic stays connected and, reading again, gets the latest values,
 * never an older one after a newer; a fast subscriber beside it gets every message in
 * order.
 */
class FlowControlIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(
			// with the default 4 MB outbound buffer, not room for 12.5 MB to a client
			// that stopped reading; a fast subscriber's hiccups are not being behind
			"--herald.topics.rules[0].destinations[0]=/topic/conflated.#",
			"--herald.topics.rules[0].slow-consumer=conflate",
			"--herald.topics.rules[1].destinations[0]=/topic/dropping.#",
			"--herald.topics.rules[1].slow-consumer=drop-oldest");

	private static final List<String> SYMBOLS = List.of("A", "B", "C", "D", "E");

	private static final int ROUNDS = 2500;

	private static String body(String symbol, Object number) {
		String head = symbol + ":" + number + ":";
		return head + "x".repeat(1024 - head.length());
	}

	private static int number(StompFrame message) {
		String n = message.bodyText().split(":")[1];
		return n.equals("FINAL") ? Integer.MAX_VALUE : Integer.parseInt(n);
	}

	/** Every symbol's FINAL arrived. */
	private static boolean allFinal(List<StompFrame> frames) {
		return frames.stream()
			.filter((f) -> f.command().equals("MESSAGE") && f.bodyText().contains(":FINAL:"))
			.count() == SYMBOLS.size();
	}

	@ParameterizedTest(name = "stalled over {0}")
	@ValueSource(strings = { "tcp", "websocket" })
	void aStalledConflatingSubscriberStaysAndGetsTheLatestValuesWhileAFastOneGetsEverything(String stalledOver)
			throws Exception {
		String prefix = "/topic/conflated." + HeraldServer.unique("c");
		List<StompFrame> frames = stallAndFeed(stalledOver, prefix, "x-herald-conflated");
		Map<String, Integer> last = new HashMap<>();
		long conflated = 0;
		for (StompFrame frame : frames) {
			assertThat(frame.command()).as("no ERROR: still connected").isEqualTo("MESSAGE");
			String symbol = frame.bodyText().split(":")[0];
			Integer before = last.put(symbol, number(frame));
			if (before != null) {
				assertThat(number(frame)).as("%s never older after newer", symbol).isGreaterThan(before);
			}
			String replaced = frame.header("x-herald-conflated");
			conflated += (replaced != null) ? Long.parseLong(replaced) : 0;
		}
		assertThat(conflated).as("values were conflated").isPositive();
		assertThat(frames.size()).as("far fewer than sent").isLessThan(ROUNDS * SYMBOLS.size());
	}

	@ParameterizedTest(name = "stalled over {0}")
	@ValueSource(strings = { "tcp", "websocket" })
	void aStalledDroppingSubscriberStaysAndIsToldHowManyWereDropped(String stalledOver) throws Exception {
		String prefix = "/topic/dropping." + HeraldServer.unique("d");
		List<StompFrame> frames = stallAndFeed(stalledOver, prefix, "x-herald-dropped");
		long dropped = 0;
		int previous = -1;
		for (StompFrame frame : frames) {
			assertThat(frame.command()).isEqualTo("MESSAGE");
			String d = frame.header("x-herald-dropped");
			dropped += (d != null) ? Long.parseLong(d) : 0;
			int round = number(frame);
			if (round != Integer.MAX_VALUE) {
				assertThat(round).as("in order").isGreaterThanOrEqualTo(previous);
				previous = round;
			}
		}
		assertThat(dropped).as("the oldest were dropped, and said so").isPositive();
		assertThat(frames.size() + dropped).as("every message delivered or counted as dropped")
			.isEqualTo(ROUNDS * SYMBOLS.size() + SYMBOLS.size());
	}

	/**
	 * * A stalled subscriber of PREFIX.* (raw TCP or raw WebSocket) and fast subscribers
	 * on every transport; a feed of ROUNDS rounds over five symbols, then a FINAL round.
	 * Fast ones get every message in order; the stalled one's frames are returned once it
	 * read every FINAL.
	 */
	private List<StompFrame> stallAndFeed(String stalledOver, String prefix, String mark) throws Exception {
		List<StompConnection> fast = new ArrayList<>();
		try (StalledClient stalled = stalledOver.equals("websocket")
				? StalledClient.subscribeOverWebSocket(server, prefix + ".*")
				: StalledClient.subscribe(server, prefix + ".*");
				StompConnection publisher = Transport.TCP.connect(server)) {
			for (Transport transport : Transport.values()) {
				StompConnection subscriber = transport.connect(server);
				subscriber.subscribe(prefix + ".*", "fast");
				fast.add(subscriber);
			}
			for (int round = 0; round < ROUNDS; round++) {
				for (String symbol : SYMBOLS) {
					publisher.publish(prefix + "." + symbol, body(symbol, round));
				}
				// paced, about 10,000 messages a second: the fast ones keep up
				java.util.concurrent.locks.LockSupport.parkNanos(500_000);
			}
			for (String symbol : SYMBOLS) {
				publisher.sendWithReceipt(StompFrame.create("SEND")
					.header("destination", prefix + "." + symbol)
					.body(body(symbol, "FINAL")));
			}
			for (StompConnection subscriber : fast) {
				List<StompFrame> all = subscriber.receiveMessages(ROUNDS * SYMBOLS.size() + SYMBOLS.size(),
						StompConnection.LONG_WAIT);
				assertThat(all.get(0).bodyText()).startsWith("A:0:");
				assertThat(all.get(all.size() - 1).bodyText()).startsWith("E:FINAL:");
				assertThat(all).noneMatch((m) -> m.header(mark) != null);
			}
			return new ArrayList<>(stalled.readUntil(FlowControlIT::allFinal, StompConnection.LONG_WAIT));
		}
		finally {
			fast.forEach(StompConnection::close);
		}
	}

	@Test
	void maxRateTwoOnAHundredPerSecondFeedDeliversAboutTwoPerSecondAndTheLastValue() throws Exception {
		String prefix = "/topic/" + HeraldServer.unique("rated");
		try (StompConnection watcher = Transport.WEBSOCKET.connect(server);
				StompConnection feed = Transport.TCP.connect(server)) {
			watcher.subscribe(prefix + ".*", "w", "x-herald-max-rate", "2");
			long start = System.nanoTime();
			int sent = 0;
			// 100 per second per symbol, two symbols, for 10 seconds
			while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
				sent++;
				feed.publish(prefix + ".X", "X:" + sent);
				feed.publish(prefix + ".Y", "Y:" + sent);
				java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
			}
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + ".X").body("X:last"));
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + ".Y").body("Y:last"));
			List<StompFrame> got = new ArrayList<>();
			while (got.stream().filter((m) -> m.bodyText().endsWith(":last")).count() < 2) {
				got.add(watcher.receiveMessages(1, StompConnection.WAIT).get(0));
			}
			for (String symbol : List.of("X", "Y")) {
				long count = got.stream().filter((m) -> m.bodyText().startsWith(symbol + ":")).count();
				assertThat(count / 10.0).as("%s deliveries per second", symbol).isBetween(1.5, 2.5);
			}
		}
	}

	@OverEveryTransport
	void aBadMaxRateGetsAnErrorNamingTheHeaderAndTheRange(Transport transport) {
		for (String value : List.of("0", "fast", "5000")) {
			try (StompConnection client = transport.connect(server)) {
				client.send(StompFrame.create("SUBSCRIBE")
					.header("destination", "/topic/x")
					.header("id", "s")
					.header("x-herald-max-rate", value));
				assertThat(client.expectErrorAndClose().header("message")).isEqualTo(
						"x-herald-max-rate must be a number of deliveries per second per destination, above 0 and at most 1000, was '"
								+ value + "'");
			}
		}
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SUBSCRIBE")
				.header("destination", "/queue/x")
				.header("id", "s")
				.header("x-herald-max-rate", "2"));
			assertThat(client.expectErrorAndClose().header("message"))
				.isEqualTo("x-herald-max-rate is for topics, not queues or user queues");
		}
	}

}
