package io.herald.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import io.herald.protocol.FrameLimits;
import io.herald.protocol.Headers;
import io.herald.routing.Router;
import io.herald.security.AnonymousAuthenticator;
import io.herald.security.DestinationPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads on the same sessions at once, as production has them: each session's
 * client thread subscribes, unsubscribes and sends; publishers fan out to all of them;
 * other threads end sessions (as an operator would) while some clients stop reading and
 * overflow as slow consumers. Afterwards every session must have ended cleanly: at most
 * one ERROR, and it is the last frame the client got; nothing left in the router; every
 * session released and every connection closed.
 *
 * <p>
 * Before sessions had one owner, a publisher's MESSAGE could land behind a slow
 * consumer's ERROR, and a RECEIPT behind a concurrent close's ERROR, because the close
 * and the offers raced on the outbound buffer.
 */
class SessionConcurrencyStressTest {

	private static final int SESSIONS = 40;

	private static final int CLIENT_FRAMES = 300;

	private static final int PUBLISHES = 3_000;

	private static final int TOPICS = 4;

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	private final ExecutorService writers = Executors.newFixedThreadPool(4);

	private final ExecutorService actors = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.actors.shutdownNow();
		this.writers.shutdownNow();
		this.timer.shutdownNow();
	}

	@RepeatedTest(10)
	void sessionsEndCleanlyWhateverThreadsDoToThemAtOnce() throws Exception {
		SessionSettings settings = new SessionSettings(FrameLimits.DEFAULT, 1000, 16 * 1024, 0, 0, 1, 10_000, 1000,
				1000, "Herald/stress");
		Router router = new Router(10_000, 64);
		Broker broker = new Broker(settings, router, new AnonymousAuthenticator(), DestinationPolicy.ALLOW_ALL,
				AbuseLimits.DEFAULT, this.timer, System::nanoTime, Clock.systemUTC());
		List<StressConnection> connections = new ArrayList<>();
		for (int i = 0; i < SESSIONS; i++) {
			StressConnection connection = new StressConnection(this.writers, i % 5 == 0);
			connection.bind(broker.open(connection));
			connections.add(connection);
		}
		List<Future<?>> running = new ArrayList<>();
		for (StressConnection connection : connections) {
			running.add(this.actors.submit(() -> clientActs(connection)));
		}
		for (int p = 0; p < 2; p++) {
			running.add(this.actors.submit(() -> publish(broker)));
		}
		running.add(this.actors.submit(() -> endSessionsAtRandom(broker, connections)));
		for (Future<?> actor : running) {
			actor.get(30, TimeUnit.SECONDS);
		}
		for (StressConnection connection : connections) {
			broker.disconnect(connection.session.id(), "end of test");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(broker.sessionCount()).as("sessions released").isZero();
			assertThat(connections).allMatch(StressConnection::isClosed, "connection closed");
		});
		assertThat(router.topicSubscriptionCount()).as("subscriptions left in the router").isZero();
		for (StressConnection connection : connections) {
			List<String> commands = connection.commands();
			int errors = (int) commands.stream().filter("ERROR"::equals).count();
			assertThat(errors).as("ERROR frames of %s", connection.session).isLessThanOrEqualTo(1);
			if (errors == 1) {
				assertThat(commands.get(commands.size() - 1))
					.as("last frame of %s, after %s", connection.session,
							commands.subList(Math.max(0, commands.size() - 5), commands.size()))
					.isEqualTo("ERROR");
			}
		}
	}

	private static void clientActs(StressConnection connection) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		connection.write("CONNECT\naccept-version:1.2\n\n\0");
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < CLIENT_FRAMES; i++) {
			int action = random.nextInt(10);
			if (action < 4 || ids.isEmpty()) {
				String id = "s" + i;
				ids.add(id);
				connection.write("SUBSCRIBE\nid:" + id + "\ndestination:/topic/t" + random.nextInt(TOPICS)
						+ "\nreceipt:r" + i + "\n\n\0");
			}
			else if (action < 6) {
				String id = ids.remove(random.nextInt(ids.size()));
				connection.write("UNSUBSCRIBE\nid:" + id + "\nreceipt:r" + i + "\n\n\0");
			}
			else {
				connection.write("SEND\ndestination:/topic/t" + random.nextInt(TOPICS) + "\nreceipt:r" + i
						+ "\n\nfrom a client\0");
			}
		}
	}

	private static void publish(Broker broker) {
		byte[] body = "tick".repeat(64).getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < PUBLISHES; i++) {
			try {
				broker.publish("/topic/t" + (i % TOPICS), Headers.builder().build(), body);
			}
			catch (io.herald.routing.DestinationException ex) {
				throw new AssertionError(ex);
			}
		}
	}

	private static void endSessionsAtRandom(Broker broker, List<StressConnection> connections) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < SESSIONS / 2; i++) {
			StressConnection victim = connections.get(random.nextInt(connections.size()));
			broker.disconnect(victim.session.id(), "stress");
			Thread.onSpinWait();
		}
	}

	/** A client that records what it got; a stalled one stops reading. */
	private static final class StressConnection extends PooledTestConnection {

		private final boolean stalled;

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		StressConnection(ExecutorService writers, boolean stalled) {
			super(writers);
			this.stalled = stalled;
		}

		@Override
		boolean reads() {
			return !this.stalled;
		}

		@Override
		void received(OutboundFrame frame) {
			synchronized (this.received) {
				this.received.writeBytes(frame.toByteArray());
			}
		}

		/** The commands of the frames received, in order; heart-beats skipped. */
		List<String> commands() {
			String all;
			synchronized (this.received) {
				all = this.received.toString(StandardCharsets.UTF_8);
			}
			List<String> commands = new ArrayList<>();
			for (String frame : all.split("\0")) {
				String trimmed = frame.stripLeading();
				if (!trimmed.isEmpty()) {
					commands.add(trimmed.substring(0, trimmed.indexOf('\n')));
				}
			}
			return commands;
		}

	}

}
