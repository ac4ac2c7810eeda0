package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, "Robustness under hostile load", over every transport: one client's wildcard
 * patterns must not stall routing for the others, and competing consumers leaving while
 * publishers send must never get a second copy without {@code redelivered:true}.
 */
class HostileLoadIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	private static String segments(int count, String segment) {
		return String.join(".", Collections.nCopies(count, segment));
	}

	/**
	 * Regression: one SUBSCRIBE to a run of {@code #} and one SEND to a 22-segment topic
	 * stalled routing for everyone, as the trie walk was exponential in the run.
	 */
	@OverEveryTransport
	void wildcardPatternsCannotStallRouting(Transport transport) {
		String witnessTopic = "/topic/" + HeraldServer.unique("witness");
		int messages = 200;
		try (StompConnection attacker = transport.connect(server);
				StompConnection witness = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			attacker.subscribe("/topic/" + segments(13, "#"), "attack");
			witness.subscribe(witnessTopic, "w");
			long started = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				// a new 26-segment topic each time: a cache miss, so a full walk
				attacker.publish("/topic/" + segments(25, "a") + "." + i, "attack " + i);
				publisher.publish(witnessTopic, Integer.toString(i));
			}
			List<StompFrame> received = witness.receiveMessages(messages, StompConnection.WAIT);
			assertThat(received).extracting(StompFrame::bodyText)
				.containsExactlyElementsOf(
						java.util.stream.IntStream.range(0, messages).mapToObj(Integer::toString).toList());
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
			// the attack SENDs were all accepted: no ERROR before this RECEIPT
			attacker.sendWithReceipt(StompFrame.create("BEGIN").header("transaction", "fence"));
		}
		try (StompConnection beyond = transport.connect(server)) {
			beyond.send(StompFrame.create("SUBSCRIBE")
				.header("destination", "/topic/" + segments(40, "#"))
				.header("id", "x"));
			assertThat(beyond.expectErrorAndClose().header("message")).isEqualTo(
					"destination has 40 segments, more than the limit of 32 (herald.limits.max-destination-segments)");
		}
		try (StompConnection beyond = transport.connect(server)) {
			beyond.publish("/topic/" + segments(33, "a"), "too long");
			assertThat(beyond.expectErrorAndClose().header("message"))
				.contains("herald.limits.max-destination-segments");
		}
	}

	/**
	 * Regression: three competing consumers leaving by DISCONNECT while five publishers
	 * sent numbered messages got hundreds of duplicates without {@code redelivered:true}
	 * (a delivery racing the close put its message back unflagged after the close had
	 * requeued it flagged).
	 */
	@OverEveryTransport
	void competingConsumersLeavingUnderLoadNeverGetUnflaggedDuplicates(Transport transport) throws Exception {
		String queue = "/queue/" + HeraldServer.unique("competing");
		int publishers = 5;
		int perPublisher = 1_000;
		Queue<String[]> copies = new ConcurrentLinkedQueue<>();
		Queue<String> acked = new ConcurrentLinkedQueue<>();
		AtomicBoolean publishing = new AtomicBoolean(true);
		ExecutorService threads = Executors.newCachedThreadPool();
		try {
			List<Future<?>> consumers = new ArrayList<>();
			for (int c = 0; c < 3; c++) {
				consumers.add(threads.submit(() -> {
					while (publishing.get()) {
						try (StompConnection consumer = transport.connect(server)) {
							consumer.subscribe(queue, "c", "ack", "client-individual");
							long until = System.nanoTime()
									+ TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(5, 60));
							while (System.nanoTime() < until) {
								StompFrame frame = consumer.poll(Duration.ofMillis(2));
								if (frame != null) {
									record(frame, copies);
									consumer.send(StompFrame.create("ACK").header("id", frame.header("ack")));
									acked.add(frame.bodyText());
								}
							}
							consumer.disconnect();
							StompFrame late;
							while ((late = consumer.poll(Duration.ZERO)) != null) {
								record(late, copies);
							}
						}
					}
					return null;
				}));
			}
			List<Future<?>> senders = new ArrayList<>();
			for (int p = 0; p < publishers; p++) {
				int number = p;
				senders.add(threads.submit(() -> {
					try (StompConnection publisher = transport.connect(server)) {
						for (int i = 0; i < perPublisher; i++) {
							publisher.publish(queue, number + "-" + i);
						}
						publisher.sendWithReceipt(StompFrame.create("BEGIN").header("transaction", "fence"));
					}
					return null;
				}));
			}
			for (Future<?> sender : senders) {
				sender.get(2, TimeUnit.MINUTES);
			}
			publishing.set(false);
			for (Future<?> consumer : consumers) {
				consumer.get(2, TimeUnit.MINUTES);
			}
			try (StompConnection last = transport.connect(server)) {
				last.subscribe(queue, "last", "ack", "client-individual");
				long deadline = System.nanoTime() + StompConnection.LONG_WAIT.toNanos();
				while (acked.stream().distinct().count() < publishers * perPublisher && System.nanoTime() < deadline) {
					StompFrame frame = last.poll(Duration.ofMillis(200));
					if (frame != null) {
						record(frame, copies);
						last.send(StompFrame.create("ACK").header("id", frame.header("ack")));
						acked.add(frame.bodyText());
					}
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
		Map<String, List<Boolean>> flags = new HashMap<>();
		for (String[] copy : copies) {
			flags.computeIfAbsent(copy[0], (n) -> new ArrayList<>()).add(Boolean.parseBoolean(copy[1]));
		}
		Map<String, Integer> acks = new HashMap<>();
		for (String number : acked) {
			acks.merge(number, 1, Integer::sum);
		}
		List<String> lost = new ArrayList<>();
		List<String> duplicates = new ArrayList<>();
		for (int p = 0; p < publishers; p++) {
			for (int i = 0; i < perPublisher; i++) {
				String number = p + "-" + i;
				List<Boolean> copiesOf = flags.getOrDefault(number, List.of());
				long unflagged = copiesOf.stream().filter((flag) -> !flag).count();
				int acknowledged = acks.getOrDefault(number, 0);
				if (acknowledged == 0) {
					lost.add(number);
				}
				// a second copy is flagged; each flagged copy follows one left
				// unacknowledged
				if (acknowledged > 1 || unflagged > 1 || copiesOf.size() - unflagged > copiesOf.size() - acknowledged) {
					duplicates.add(number + copiesOf + " acknowledged " + acknowledged + " times");
				}
			}
		}
		assertThat(lost).as("lost").isEmpty();
		assertThat(duplicates).as("copies without redelivered:true after the first, or flagged without one before")
			.isEmpty();
	}

	private static void record(StompFrame frame, Queue<String[]> copies) {
		assertThat(frame.command()).as("frame %s", frame).isEqualTo("MESSAGE");
		copies.add(new String[] { frame.bodyText(), String.valueOf("true".equals(frame.header("redelivered"))) });
	}

}
