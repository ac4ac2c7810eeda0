package io.herald.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.session.Broker;
import io.herald.testclient.StalledClient;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading must not slow anybody else down: with a 64 KB outbound
 * buffer per session, the stalled one is disconnected with ERROR "slow consumer …" while
 * subscribers on every transport receive every message, in order. Tests run one at a time
 * against one broker and compare its slow-consumer count before and after.
 */
class SlowConsumerIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.limits.outbound-buffer-size=64KB");

	private static Broker broker;

	@BeforeAll
	static void findBroker() {
		broker = server.context().getBean(Broker.class);
	}

	/** Bodies that tell their number, padded to the size. */
	private static String body(int i, int size) {
		String number = String.format("%06d:", i);
		return number + "x".repeat(size - number.length());
	}

	/** Reads what a stalled client still gets once the broker has dropped it. */
	@FunctionalInterface
	interface Drain {

		List<StompFrame> drain() throws IOException;

	}

	@Test
	void stalledTcpSubscriberIsDisconnectedWhileOthersReceiveEverythingInOrder() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("firehose");
		try (StalledClient stalled = StalledClient.subscribe(server, topic)) {
			// 8000 x 1 KiB: more than the kernel buffers of a 4 KiB receive window hold
			firehose(topic, 8000, 1024, () -> stalled.drain(StompConnection.LONG_WAIT));
		}
	}

	@Test
	void stalledWebSocketSubscriberIsDisconnectedWhileOthersReceiveEverythingInOrder() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("ws-firehose");
		try (StompConnection stalled = Transport.WEBSOCKET.connect(server)) {
			stalled.subscribe(topic, "stalled");
			stalled.pauseReading();
			// 6000 x 4 KiB: the client's socket buffers are not made small here
			firehose(topic, 6000, 4096, () -> {
				stalled.resumeReading();
				List<StompFrame> frames = new ArrayList<>();
				StompFrame frame;
				while ((frame = stalled.poll(StompConnection.WAIT)) != null) {
					frames.add(frame);
				}
				stalled.awaitClosed();
				return frames;
			});
		}
	}

	private void firehose(String topic, int messages, int size, Drain stalledDrain) throws Exception {
		long slowBefore = broker.stats().slowConsumers();
		List<StompConnection> fast = new ArrayList<>();
		try (StompConnection publisher = Transport.TCP.connect(server)) {
			for (Transport transport : Transport.values()) {
				StompConnection subscriber = transport.connect(server);
				fast.add(subscriber);
				subscriber.subscribe(topic, "fast-" + transport);
			}
			int sessionsBefore = broker.sessionCount();
			// drains the stalled client as soon as the broker gave up on it, so the ERROR
			// it queued last can still be read before the close
			CompletableFuture<List<StompFrame>> stalledFrames = CompletableFuture.supplyAsync(() -> {
				await().atMost(StompConnection.LONG_WAIT).until(() -> broker.stats().slowConsumers() > slowBefore);
				try {
					return stalledDrain.drain();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});

			// bounded rate: a batch at a time, each received by every fast subscriber
			// before the next, so only the stalled one can fall behind
			int batchSize = Math.max(1, 32 * 1024 / size);
			for (int sent = 0; sent < messages; sent += batchSize) {
				for (int i = sent; i < sent + batchSize; i++) {
					publisher.publish(topic, body(i, size));
				}
				for (StompConnection subscriber : fast) {
					List<StompFrame> batch = subscriber.receiveMessages(batchSize, StompConnection.LONG_WAIT);
					for (int i = 0; i < batchSize; i++) {
						assertThat(batch.get(i).bodyText()).as("%s message %d", subscriber, sent + i)
							.isEqualTo(body(sent + i, size));
					}
				}
			}

			assertThat(broker.stats().slowConsumers()).as("slow consumers counted").isEqualTo(slowBefore + 1);
			List<StompFrame> frames = stalledFrames.get(StompConnection.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(frames).as(StalledClient.describe(frames)).isNotEmpty();
			StompFrame last = frames.get(frames.size() - 1);
			assertThat(last.command()).as(StalledClient.describe(frames)).isEqualTo("ERROR");
			assertThat(last.header("message")).startsWith("slow consumer");
			List<StompFrame> delivered = frames.subList(0, frames.size() - 1);
			assertThat(delivered.size()).as("messages the stalled client got before it was dropped")
				.isLessThan(messages);
			for (int i = 0; i < delivered.size(); i++) {
				assertThat(delivered.get(i).bodyText()).as("stalled message %d", i).isEqualTo(body(i, size));
			}
			// the dropped session is released: nothing is held for it any more
			await().atMost(StompConnection.WAIT).until(() -> broker.sessionCount() == sessionsBefore - 1);
			for (StompConnection subscriber : fast) {
				subscriber.expectNoFrame(Duration.ofMillis(10));
				assertThat(subscriber.isClosed()).as("%s still connected", subscriber).isFalse();
			}
		}
		finally {
			fast.forEach(StompConnection::close);
		}
	}

	@OverEveryTransport
	void queueBacklogLargerThanTheOutboundBufferReachesANewConsumer(Transport transport) {
		long slowBefore = broker.stats().slowConsumers();
		String queue = "/queue/" + HeraldServer.unique("backlog");
		int messages = 200;
		int size = 8 * 1024;
		// 1.6 MB waiting in the queue for a session whose buffer holds 64 KB
		try (StompConnection publisher = Transport.TCP.connect(server)) {
			for (int i = 0; i < messages; i++) {
				publisher.publish(queue, body(i, size));
			}
			publisher.disconnect();
		}
		try (StompConnection consumer = transport.connect(server)) {
			consumer.subscribe(queue, "backlog");
			List<StompFrame> received = consumer.receiveMessages(messages, StompConnection.LONG_WAIT);
			for (int i = 0; i < messages; i++) {
				assertThat(received.get(i).bodyText()).as("message %d", i).isEqualTo(body(i, size));
			}
			consumer.disconnect();
		}
		assertThat(broker.stats().slowConsumers()).as("slow consumers").isEqualTo(slowBefore);
	}

	@Test
	void stalledQueueConsumerIsNotFedMoreThanItsBufferAndLosesNothing() throws Exception {
		long slowBefore = broker.stats().slowConsumers();
		String queue = "/queue/" + HeraldServer.unique("stalled-queue");
		// 12 MB: the stalled consumer's half is more than its socket buffers hold
		int messages = 1500;
		int size = 8 * 1024;
		Set<String> bodies = new HashSet<>();
		try (StompConnection fast = Transport.TCP.connect(server);
				StompConnection publisher = Transport.TCP.connect(server)) {
			StalledClient stalled = StalledClient.subscribe(server, queue, "ack", "client-individual");
			try {
				fast.subscribe(queue, "fast");
				for (int i = 0; i < messages; i++) {
					publisher.publish(queue, body(i, size));
					if (i % 50 == 49) {
						publisher.sendWithReceipt(StompFrame.create("BEGIN").header("transaction", "pace-" + i));
					}
				}
				// the queue turns the stalled consumer away once its buffer is half full,
				// and hands the rest to the fast one
				while (bodies.size() < messages / 2) {
					StompFrame message = fast.receive(StompConnection.LONG_WAIT);
					assertThat(bodies.add(message.bodyText())).as("delivered once: %s", message).isTrue();
				}
				assertThat(broker.stats().slowConsumers()).as("slow consumers").isEqualTo(slowBefore);
			}
			finally {
				stalled.close();
			}
			// the stalled consumer went away without acknowledging: its messages come
			// back
			while (bodies.size() < messages) {
				StompFrame message = fast.receive(StompConnection.LONG_WAIT);
				assertThat(bodies.add(message.bodyText())).as("delivered once: %s", message).isTrue();
			}
			fast.expectNoFrame(Duration.ofMillis(200));
		}
		for (int i = 0; i < messages; i++) {
			assertThat(bodies).as("message %d", i).contains(body(i, size));
		}
	}

}
