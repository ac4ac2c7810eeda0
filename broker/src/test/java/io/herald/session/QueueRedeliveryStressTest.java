package io.herald.session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.herald.protocol.FrameLimits;
import io.herald.protocol.Headers;
import io.herald.routing.DestinationException;
import io.herald.routing.PublishResult;
import io.herald.routing.Router;
import io.herald.security.AnonymousAuthenticator;
import io.herald.security.DestinationPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Competing consumers of one queue come and go while publishers send numbered messages,
 * each consumer on its own connection, leaving by DISCONNECT, by UNSUBSCRIBE or by
 * closing its transport, with real threads everywhere. Counted per message number over
 * everything the consumers received: none lost, no second copy without
 * {@code redelivered:true}, and (where the leaving client reads everything it was sent)
 * no copy flagged redelivered that was never delivered before.
 *
 * <p>
 * Regression (issue 9, "Duplicates without redelivered:true"): a delivery racing its
 * consumer's close recorded the ack tag, failed to reach the sealed buffer, and put the
 * message back at the queue's head unflagged, while the close had already taken the tag
 * as unacknowledged and requeued the same message flagged: two copies, the flagged one
 * first with no earlier delivery.
 */
class QueueRedeliveryStressTest {

	private static final int PUBLISHERS = 5;

	private static final int PER_PUBLISHER = 20_000;

	private static final int CONSUMERS = 3;

	private static final String QUEUE = "/queue/work";

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	private final ExecutorService writers = Executors.newFixedThreadPool(4);

	private final ExecutorService actors = Executors.newCachedThreadPool();

	private final Queue<String> errors = new ConcurrentLinkedQueue<>();

	/** The numbers the consumers acknowledged (every one received, in auto mode). */
	private final Queue<String> acked = new ConcurrentLinkedQueue<>();

	@AfterEach
	void stop() {
		this.actors.shutdownNow();
		this.writers.shutdownNow();
		this.timer.shutdownNow();
	}

	@ParameterizedTest(name = "{0} consumers leaving by {1}")
	@CsvSource({ "client-individual, DISCONNECT", "client-individual, UNSUBSCRIBE",
			"client-individual, TRANSPORT_CLOSE", "auto, DISCONNECT", "auto, UNSUBSCRIBE", "client-individual, ANY",
			"auto, ANY" })
	void competingConsumersLeavingUnderLoadNeverGetUnflaggedDuplicates(String ackMode, String leaving)
			throws Exception {
		SessionSettings settings = new SessionSettings(FrameLimits.DEFAULT, 1000, 256 * 1024, 0, 0, 1, 10_000, 1000,
				1000, "Herald/stress");
		Router router = new Router(PUBLISHERS * PER_PUBLISHER, 64);
		Broker broker = new Broker(settings, router, new AnonymousAuthenticator(), DestinationPolicy.ALLOW_ALL,
				new AbuseLimits(0, 0, 0, 0, 0), this.timer, System::nanoTime, Clock.systemUTC());
		Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
		AtomicBoolean publishing = new AtomicBoolean(true);
		AtomicInteger transportCloses = new AtomicInteger();
		List<Future<?>> running = new ArrayList<>();
		for (int c = 0; c < CONSUMERS; c++) {
			running.add(this.actors.submit(() -> {
				while (publishing.get()) {
					Leaving how = Leaving.valueOf(leaving);
					if (how == Leaving.ANY) {
						how = Leaving.values()[ThreadLocalRandom.current().nextInt(3)];
						if (how == Leaving.TRANSPORT_CLOSE && ackMode.equals("auto")) {
							how = Leaving.DISCONNECT;
						}
					}
					if (how == Leaving.TRANSPORT_CLOSE) {
						transportCloses.incrementAndGet();
					}
					consumeOnce(broker, ackMode, how, deliveries);
				}
				return null;
			}));
		}
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> publishers = new ArrayList<>();
		for (int p = 0; p < PUBLISHERS; p++) {
			int publisher = p;
			publishers.add(this.actors.submit(() -> {
				go.await();
				for (int i = 0; i < PER_PUBLISHER; i++) {
					PublishResult result = broker.publish(QUEUE, Headers.builder().build(),
							(publisher + "-" + i).getBytes(StandardCharsets.UTF_8));
					assertThat(result.accepted()).as(result.refusal()).isTrue();
					if (i % 20 == 0) {
						// spread the load over the consumers' comings and goings
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
					}
				}
				return null;
			}));
		}
		go.countDown();
		for (Future<?> publisher : publishers) {
			publisher.get(60, TimeUnit.SECONDS);
		}
		publishing.set(false);
		for (Future<?> consumer : running) {
			consumer.get(60, TimeUnit.SECONDS);
		}
		// one last consumer takes what is left, and stays
		StressConsumer last = StressConsumer.open(broker, this.writers, "client-individual", deliveries, this.errors,
				this.acked);
		last.subscribe();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline
				&& (router.queueDepth("work") > 0 || distinct(this.acked) < PUBLISHERS * PER_PUBLISHER)) {
			last.ackReceived();
			Thread.sleep(5);
		}
		assertThat(router.queueDepth("work")).as("left in the queue").isZero();

		Map<String, List<Boolean>> copies = new HashMap<>();
		for (Delivery delivery : deliveries) {
			copies.computeIfAbsent(delivery.number, (n) -> new ArrayList<>()).add(delivery.redelivered);
		}
		Map<String, Integer> acks = new HashMap<>();
		for (String number : this.acked) {
			acks.merge(number, 1, Integer::sum);
		}
		List<String> lost = new ArrayList<>();
		List<String> processedTwice = new ArrayList<>();
		List<String> unflaggedDuplicates = new ArrayList<>();
		List<String> flaggedWithoutEarlier = new ArrayList<>();
		for (int p = 0; p < PUBLISHERS; p++) {
			for (int i = 0; i < PER_PUBLISHER; i++) {
				String number = p + "-" + i;
				List<Boolean> flags = copies.getOrDefault(number, List.of());
				int acknowledged = acks.getOrDefault(number, 0);
				long unflagged = flags.stream().filter((flag) -> !flag).count();
				if (acknowledged == 0) {
					lost.add(number + flags);
				}
				if (acknowledged > 1) {
					processedTwice.add(number + flags);
				}
				if (unflagged > 1) {
					unflaggedDuplicates.add(number + flags);
				}
				// each redelivery needs an earlier copy that its consumer left
				// unacknowledged
				if (flags.size() - unflagged > flags.size() - acknowledged) {
					flaggedWithoutEarlier.add(number + flags);
				}
			}
		}
		assertThat(this.errors).as("ERROR frames").isEmpty();
		assertThat(lost).as("lost").isEmpty();
		assertThat(processedTwice).as("delivered and acknowledged twice").isEmpty();
		assertThat(unflaggedDuplicates).as("copies after the first without redelivered:true").isEmpty();
		if (transportCloses.get() == 0) {
			// a transport close drops what the client did not read: those are flagged
			// when
			// they come again, rightly, as the broker handed them out once
			assertThat(flaggedWithoutEarlier).as("redelivered with no earlier delivery").isEmpty();
		}
	}

	private static long distinct(Queue<String> numbers) {
		return numbers.stream().distinct().count();
	}

	private void consumeOnce(Broker broker, String ackMode, Leaving how, Queue<Delivery> deliveries)
			throws InterruptedException {
		StressConsumer consumer = StressConsumer.open(broker, this.writers, ackMode, deliveries, this.errors,
				this.acked);
		consumer.subscribe();
		long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(50, 1000));
		while (System.nanoTime() < until) {
			consumer.ackReceived();
			Thread.onSpinWait();
		}
		consumer.ackReceived();
		switch (how) {
			case DISCONNECT -> consumer.write("DISCONNECT\nreceipt:bye\n\n\0");
			case UNSUBSCRIBE -> {
				consumer.write("UNSUBSCRIBE\nid:sub\nreceipt:unsubscribed\n\n\0");
				consumer.awaitReceipt("unsubscribed");
				consumer.write("DISCONNECT\nreceipt:bye\n\n\0");
			}
			case TRANSPORT_CLOSE -> consumer.session.onTransportClosed();
			default -> throw new IllegalStateException(how.name());
		}
		if (how != Leaving.TRANSPORT_CLOSE) {
			consumer.awaitReceipt("bye");
		}
	}

	private enum Leaving {

		DISCONNECT, UNSUBSCRIBE, TRANSPORT_CLOSE, ANY

	}

	private record Delivery(String number, boolean redelivered) {
	}

	/**
	 * A consumer's connection: the broker's frames are drained on a writer pool and
	 * parsed there; the client's frames (ACKs among them) are written by the consumer's
	 * thread.
	 */
	private static final class StressConsumer extends PooledTestConnection {

		private final String ackMode;

		private final Queue<Delivery> deliveries;

		private final BlockingQueue<String[]> toAck = new LinkedBlockingQueue<>();

		private final Queue<String> receipts = new ConcurrentLinkedQueue<>();

		private final Queue<String> errors;

		private final Queue<String> acked;

		private StressConsumer(ExecutorService writers, String ackMode, Queue<Delivery> deliveries,
				Queue<String> errors, Queue<String> acked) {
			super(writers);
			this.errors = errors;
			this.acked = acked;
			this.ackMode = ackMode;
			this.deliveries = deliveries;
		}

		static StressConsumer open(Broker broker, ExecutorService writers, String ackMode, Queue<Delivery> deliveries,
				Queue<String> errors, Queue<String> acked) {
			StressConsumer consumer = new StressConsumer(writers, ackMode, deliveries, errors, acked);
			consumer.bind(broker.open(consumer));
			consumer.write("CONNECT\naccept-version:1.2\n\n\0");
			return consumer;
		}

		void subscribe() throws InterruptedException {
			write("SUBSCRIBE\nid:sub\ndestination:" + QUEUE + "\nack:" + this.ackMode + "\nreceipt:subscribed\n\n\0");
			awaitReceipt("subscribed");
		}

		void ackReceived() {
			String[] idAndNumber;
			while ((idAndNumber = this.toAck.poll()) != null) {
				write("ACK\nid:" + idAndNumber[0] + "\n\n\0");
				this.acked.add(idAndNumber[1]);
			}
		}

		void awaitReceipt(String receipt) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!this.receipts.contains(receipt)) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("no RECEIPT " + receipt + " for " + this.session);
				}
				Thread.yield();
			}
		}

		@Override
		void received(OutboundFrame frame) {
			received(new String(frame.toByteArray(), StandardCharsets.UTF_8));
		}

		private void received(String frame) {
			String text = frame.stripLeading();
			if (text.isEmpty()) {
				return;
			}
			int bodyStart = text.indexOf("\n\n");
			Map<String, String> headers = new HashMap<>();
			String[] lines = text.substring(0, bodyStart).split("\n");
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
			}
			if (lines[0].equals("MESSAGE")) {
				String body = text.substring(bodyStart + 2, text.indexOf('\0', bodyStart + 2));
				this.deliveries.add(new Delivery(body, "true".equals(headers.get("redelivered"))));
				if (headers.containsKey("ack")) {
					this.toAck.add(new String[] { headers.get("ack"), body });
				}
				else {
					this.acked.add(body);
				}
			}
			else if (lines[0].equals("RECEIPT")) {
				this.receipts.add(headers.get("receipt-id"));
			}
			else if (lines[0].equals("ERROR")) {
				this.errors.add(this.session + ": " + text);
			}
		}

	}

}
