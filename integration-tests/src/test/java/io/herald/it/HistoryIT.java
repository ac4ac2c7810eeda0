package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * History and resume ({@code herald.topics.rules[N].history-size}): messages carry
 * {@code x-herald-offset} and {@code x-herald-epoch}; a SUBSCRIBE with
 * {@code x-herald-since:EPOCH:OFFSET} gets what followed, then live messages, with no gap
 * and nothing twice, and its RECEIPT and first MESSAGE say {@code x-herald-recovered}.
 */
class HistoryIT {

	private static final String[] RULES = { "--herald.topics.rules[0].destinations[0]=/topic/history.#",
			"--herald.topics.rules[0].history-size=10000", "--herald.topics.rules[1].destinations[0]=/topic/short.#",
			"--herald.topics.rules[1].history-size=3" };

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(RULES);

	private static String topic(String prefix) {
		return "/topic/" + prefix + "." + HeraldServer.unique("h");
	}

	@OverEveryTransport
	void aResumedSubscriptionGetsWhatItMissedThenLiveMessages(Transport transport) {
		String topic = topic("history");
		try (StompConnection feed = transport.connect(server)) {
			String epoch;
			long lastOffset;
			try (StompConnection first = transport.connect(server)) {
				first.subscribe(topic, "s");
				feed.publish(topic, "1");
				feed.publish(topic, "2");
				List<StompFrame> seen = first.receiveMessages(2, StompConnection.WAIT);
				assertThat(seen).extracting((m) -> m.header("x-herald-offset")).containsExactly("1", "2");
				epoch = seen.get(1).header("x-herald-epoch");
				assertThat(epoch).isNotBlank();
				lastOffset = Long.parseLong(seen.get(1).header("x-herald-offset"));
			}
			feed.publish(topic, "3");
			feed.sendWithReceipt(StompFrame.create("SEND").header("destination", topic).body("4"));
			try (StompConnection resumed = transport.connect(server)) {
				StompFrame receipt = resumed.subscribe(topic, "s", "x-herald-since", epoch + ":" + lastOffset);
				assertThat(receipt.header("x-herald-recovered")).isEqualTo("true");
				List<StompFrame> missed = resumed.receiveMessages(2, StompConnection.WAIT);
				assertThat(missed).extracting(StompFrame::bodyText).containsExactly("3", "4");
				assertThat(missed.get(0).header("x-herald-recovered")).isEqualTo("true");
				assertThat(missed.get(1).header("x-herald-recovered")).isNull();
				assertThat(missed).extracting((m) -> m.header("x-herald-offset")).containsExactly("3", "4");
				feed.publish(topic, "5");
				StompFrame live = resumed.receiveMessages(1, StompConnection.WAIT).get(0);
				assertThat(live.bodyText()).isEqualTo("5");
				assertThat(live.header("x-herald-epoch")).isEqualTo(epoch);
			}
		}
	}

	@OverEveryTransport
	void aGapTheHistoryCannotFillIsSaidAndWhatItHoldsIsReplayed(Transport transport) {
		String topic = topic("short");
		try (StompConnection feed = transport.connect(server); StompConnection probe = transport.connect(server)) {
			probe.subscribe(topic, "p");
			for (int i = 1; i <= 6; i++) {
				feed.publish(topic, Integer.toString(i));
			}
			String epoch = probe.receiveMessages(6, StompConnection.WAIT).get(5).header("x-herald-epoch");
			try (StompConnection late = transport.connect(server)) {
				assertThat(late.subscribe(topic, "s", "x-herald-since", epoch + ":1").header("x-herald-recovered"))
					.as("offsets 2 and 3 are gone")
					.isEqualTo("false");
				List<StompFrame> held = late.receiveMessages(3, StompConnection.WAIT);
				assertThat(held).extracting(StompFrame::bodyText).containsExactly("4", "5", "6");
				assertThat(held.get(0).header("x-herald-recovered")).isEqualTo("false");
			}
			try (StompConnection other = transport.connect(server)) {
				assertThat(
						other.subscribe(topic, "s", "x-herald-since", "another-epoch:5").header("x-herald-recovered"))
					.isEqualTo("false");
				assertThat(other.receiveMessages(3, StompConnection.WAIT)).extracting(StompFrame::bodyText)
					.containsExactly("4", "5", "6");
			}
			try (StompConnection rewound = transport.connect(server)) {
				assertThat(rewound.subscribe(topic, "s", "x-herald-rewind", "2").header("x-herald-recovered"))
					.isEqualTo("true");
				assertThat(rewound.receiveMessages(2, StompConnection.WAIT)).extracting(StompFrame::bodyText)
					.containsExactly("5", "6");
			}
		}
	}

	@OverEveryTransport
	void badResumeHeadersGetAnErrorNamingThem(Transport transport) {
		String history = topic("short");
		expectError(transport, history, "x-herald-since", "12",
				"x-herald-since must be EPOCH:OFFSET, as x-herald-epoch and x-herald-offset of the last MESSAGE, was '12'");
		expectError(transport, history, "x-herald-since", "e:x",
				"x-herald-since must end in a whole offset of 0 or more, was 'e:x'");
		expectError(transport, "/topic/short.*", "x-herald-since", "e:1",
				"x-herald-since needs one topic, /topic/NAME, not a pattern, queue or user queue");
		expectError(transport, history, "x-herald-rewind", "4",
				"x-herald-rewind must be a whole number from 1 to 3 (the history-size of " + history + "), was '4'");
		expectError(transport, history, "x-herald-rewind", "none",
				"x-herald-rewind must be a whole number from 1 to 3 (the history-size of " + history + "), was 'none'");
		String plain = "/topic/" + HeraldServer.unique("plain");
		expectError(transport, plain, "x-herald-rewind", "1",
				"x-herald-rewind: " + plain + " keeps no history (herald.topics.rules[N].history-size)");
		try (StompConnection resuming = transport.connect(server)) {
			assertThat(resuming.subscribe(plain, "s", "x-herald-since", "e:3").header("x-herald-recovered"))
				.as("no history to vouch for the gap: said, not an error")
				.isEqualTo("false");
		}
	}

	private static void expectError(Transport transport, String destination, String header, String value,
			String message) {
		try (StompConnection client = transport.connect(server)) {
			client.send(StompFrame.create("SUBSCRIBE")
				.header("destination", destination)
				.header("id", "s")
				.header(header, value));
			assertThat(client.expectErrorAndClose().header("message")).isEqualTo(message);
		}
	}

	@Test
	void aRestartChangesTheEpochAndAResumeSaysItCouldNotRecover() {
		String topic = topic("history");
		String epoch;
		try (HeraldServer before = HeraldServer.start(RULES); StompConnection client = Transport.TCP.connect(before)) {
			client.subscribe(topic, "s");
			client.publish(topic, "1");
			epoch = client.receiveMessages(1, StompConnection.WAIT).get(0).header("x-herald-epoch");
		}
		try (HeraldServer after = HeraldServer.start(RULES); StompConnection client = Transport.TCP.connect(after)) {
			client.subscribe(topic, "p");
			client.publish(topic, "after");
			assertThat(client.receiveMessages(1, StompConnection.WAIT).get(0).header("x-herald-epoch"))
				.isNotEqualTo(epoch);
			assertThat(client.subscribe(topic, "s", "x-herald-since", epoch + ":1").header("x-herald-recovered"))
				.isEqualTo("false");
		}
	}

	@Test
	void dropAndResumeTwentyTimesWhileTheFeedRunsMissesNothingAndRepeatsNothing() throws Exception {
		String topic = topic("history");
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger sent = new AtomicInteger();
		List<Integer> received = new ArrayList<>();
		try (StompConnection feed = Transport.TCP.connect(server)) {
			Thread feeder = new Thread(() -> {
				// paced, about 2,000 messages a second
				for (int i = 1; running.get() && i <= 60_000; i++) {
					feed.publish(topic, Integer.toString(i));
					sent.set(i);
					LockSupport.parkNanos(500_000);
				}
			}, "history-feed");
			String position = null;
			try (StompConnection first = Transport.TCP.connect(server)) {
				first.subscribe(topic, "s");
				feeder.start();
				position = take(first, received, 20);
			}
			try {
				for (int round = 0; round < 20; round++) {
					Transport transport = Transport.values()[round % Transport.values().length];
					try (StompConnection resumed = transport.connect(server)) {
						StompFrame receipt = resumed.subscribe(topic, "s", "x-herald-since", position);
						assertThat(receipt.header("x-herald-recovered")).as("round %d", round).isEqualTo("true");
						position = take(resumed, received, 20 + round);
					}
				}
			}
			finally {
				running.set(false);
				feeder.join(Duration.ofSeconds(10).toMillis());
			}
			try (StompConnection last = Transport.TCP.connect(server)) {
				last.subscribe(topic, "s", "x-herald-since", position);
				int missing = sent.get() - received.get(received.size() - 1);
				if (missing > 0) {
					take(last, received, missing);
				}
			}
		}
		assertThat(received).hasSize(sent.get());
		for (int i = 0; i < received.size(); i++) {
			assertThat(received.get(i)).as("message %d", i).isEqualTo(i + 1);
		}
	}

	/** Takes {@code count} messages, returns the position after the last. */
	private static String take(StompConnection connection, List<Integer> into, int count) {
		List<StompFrame> messages = connection.receiveMessages(count, StompConnection.WAIT);
		for (StompFrame message : messages) {
			into.add(Integer.parseInt(message.bodyText()));
		}
		StompFrame last = messages.get(messages.size() - 1);
		return last.header("x-herald-epoch") + ":" + last.header("x-herald-offset");
	}

}
