package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.herald.it.support.HeraldServer;
import io.herald.it.support.StalledTcpClient;
import io.herald.it.support.StompConnection;
import io.herald.it.support.StompFrame;
import io.herald.it.support.Transport;
import io.herald.session.Broker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading must not slow anybody else down: with a 64 KB outbound
 * buffer per session, the stalled one is disconnected with ERROR "slow consumer …" while
 * subscribers on every transport receive every message, in order.
 */
class SlowConsumerIT {

	private static final int MESSAGES = 8000;

	private static final int BATCH = 32;

	private static HeraldServer server;

	@BeforeAll
	static void start() {
		server = HeraldServer.start("--herald.limits.outbound-buffer-size=64KB");
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	private static String body(int i) {
		String number = String.format("%06d:", i);
		return number + "x".repeat(1024 - number.length());
	}

	@Test
	void stalledTcpSubscriberIsDisconnectedWhileOthersReceiveEverythingInOrder() throws Exception {
		Broker broker = server.context().getBean(Broker.class);
		long slowBefore = broker.stats().slowConsumers();
		String topic = "/topic/" + HeraldServer.unique("firehose");
		List<StompConnection> fast = new ArrayList<>();
		try (StalledTcpClient stalled = StalledTcpClient.subscribe(server, topic);
				StompConnection publisher = Transport.TCP.connect(server)) {
			for (Transport transport : Transport.values()) {
				StompConnection subscriber = transport.connect(server);
				fast.add(subscriber);
				subscriber.subscribe(topic, "fast-" + transport);
			}
			int sessionsBefore = broker.sessionCount();
			// drains the stalled socket as soon as the broker gave up on it, so the
			// ERROR it queued last can still be read before the close
			CompletableFuture<List<StompFrame>> stalledFrames = CompletableFuture.supplyAsync(() -> {
				await().atMost(StompConnection.LONG_WAIT).until(() -> broker.stats().slowConsumers() > slowBefore);
				try {
					return stalled.drain(StompConnection.LONG_WAIT);
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			});

			// bounded rate: a batch at a time, each received by every fast subscriber
			// before the next, so only the stalled one can fall behind
			for (int sent = 0; sent < MESSAGES; sent += BATCH) {
				for (int i = sent; i < sent + BATCH; i++) {
					publisher.publish(topic, body(i));
				}
				for (StompConnection subscriber : fast) {
					List<StompFrame> batch = subscriber.receiveMessages(BATCH, StompConnection.LONG_WAIT);
					for (int i = 0; i < BATCH; i++) {
						assertThat(batch.get(i).bodyText()).as("%s message %d", subscriber, sent + i)
							.isEqualTo(body(sent + i));
					}
				}
			}

			assertThat(broker.stats().slowConsumers()).as("slow consumers counted").isEqualTo(slowBefore + 1);
			List<StompFrame> frames = stalledFrames.get(StompConnection.LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(frames).as(StalledTcpClient.describe(frames)).isNotEmpty();
			StompFrame last = frames.get(frames.size() - 1);
			assertThat(last.command()).as(StalledTcpClient.describe(frames)).isEqualTo("ERROR");
			assertThat(last.header("message")).startsWith("slow consumer");
			List<StompFrame> delivered = frames.subList(0, frames.size() - 1);
			assertThat(delivered.size()).as("messages the stalled client got before it was dropped")
				.isLessThan(MESSAGES);
			for (int i = 0; i < delivered.size(); i++) {
				assertThat(delivered.get(i).bodyText()).as("stalled message %d", i).isEqualTo(body(i));
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

}
