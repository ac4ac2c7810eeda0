package io.herald.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.routing.DestinationInfo;
import io.herald.session.Broker;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, attack 3: four sessions put one 256 KB message into each of 600 new queues,
 * each far under its length bound, until the broker stopped answering and never
 * recovered. Queues are now bounded together ({@code herald.queues.max-memory}), in
 * number ({@code herald.queues.max-queues}) and removed once left empty; a hoarder is
 * refused with an ERROR naming the limit while topics, new connections and health carry
 * on.
 */
class QueueHoardingIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.queues.max-memory=8MB",
			"--herald.queues.max-queues=100", "--herald.queues.idle-timeout=1s");

	private static final String HOARD = "h".repeat(256 * 1024);

	private final HttpClient http = HttpClient.newHttpClient();

	/**
	 * Regression: many queues, each within its bounds, took the node's memory. The
	 * hoarders are refused once all queues together hold the limit; a witness pair on a
	 * topic gets every message in order throughout, and the node stays healthy.
	 */
	@Test
	void queuesHoardingMemoryAreRefusedWhileTopicsNewConnectionsAndHealthCarryOn() throws Exception {
		String prefix = "/queue/" + HeraldServer.unique("hoard");
		Queue<String> refusals = new ConcurrentLinkedQueue<>();
		AtomicInteger accepted = new AtomicInteger();
		AtomicBoolean attacking = new AtomicBoolean(true);
		ExecutorService threads = Executors.newCachedThreadPool();
		String topic = "/topic/" + HeraldServer.unique("witness");
		try (StompConnection subscriber = Transport.WEBSOCKET.connect(server);
				StompConnection publisher = Transport.TCP.connect(server)) {
			subscriber.subscribe(topic, "w");
			List<Future<?>> attackers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int attacker = t;
				attackers.add(threads.submit(() -> hoard(prefix + "-" + attacker + "-", accepted, refusals)));
			}
			Future<?> done = threads.submit(() -> {
				for (Future<?> each : attackers) {
					each.get(2, TimeUnit.MINUTES);
				}
				attacking.set(false);
				return null;
			});
			int sent = 0;
			while ((attacking.get() || sent < 100) && sent < 5_000) {
				publisher.publish(topic, Integer.toString(sent++));
				if (sent % 50 == 0) {
					publisher.sendWithReceipt(StompFrame.create("BEGIN").header("transaction", "fence" + sent));
				}
			}
			done.get(2, TimeUnit.MINUTES);
			assertThat(subscriber.receiveMessages(sent, StompConnection.LONG_WAIT)).extracting(StompFrame::bodyText)
				.as("the witness got every message in order")
				.containsExactlyElementsOf(IntStream.range(0, sent).mapToObj(Integer::toString).toList());
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(refusals).as("every attacker was refused, each time naming the limit")
			.hasSize(4 * 3)
			.allSatisfy((message) -> assertThat(message).startsWith("queues are full")
				.contains("herald.queues.max-memory"));
		assertThat(accepted.get()).as("about 8 MB of 256 KB messages").isBetween(25, 32);
		Broker broker = server.context().getBean(Broker.class);
		assertThat(broker.router().queuedBytes()).isLessThanOrEqualTo(8L * 1024 * 1024);
		assertThat(broker.memory().usedBytes()).isGreaterThanOrEqualTo(broker.router().queuedBytes());
		assertThat(health()).as("queues alone do not engage the node's alarm").isEqualTo(200);
		try (StompConnection consumer = Transport.TCP.connect(server)) {
			String first = hoarded(broker, prefix).get(0);
			consumer.subscribe(first, "drain");
			assertThat(consumer.receive().bodyText()).isEqualTo(HOARD);
			StompFrame receipt = consumer
				.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + "-after").body(HOARD));
			assertThat(receipt.command()).as("room again once a queue was drained").isEqualTo("RECEIPT");
		}
	}

	/**
	 * Queues a SEND may create are capped, and queues left empty and unconsumed are
	 * removed after the idle timeout, which makes room again.
	 */
	@Test
	void queueCreationIsCappedAndQueuesLeftEmptyAreRemoved() {
		String prefix = "/queue/" + HeraldServer.unique("cap") + "-";
		List<String> created = new ArrayList<>();
		StompFrame refusal = null;
		try (StompConnection creator = Transport.TCP.connect(server)) {
			for (int q = 0; q < 200 && refusal == null; q++) {
				String name = prefix + q;
				creator
					.send(StompFrame.create("SEND").header("destination", name).header("receipt", "c" + q).body("x"));
				StompFrame answer = creator.receive();
				if (answer.command().equals("ERROR")) {
					refusal = answer;
				}
				else {
					created.add(name);
				}
			}
		}
		assertThat(refusal).as("refused before 200 queues").isNotNull();
		assertThat(refusal.header("message")).contains("cannot be created").contains("herald.queues.max-queues");
		Broker broker = server.context().getBean(Broker.class);
		assertThat(broker.router().queueCount()).isLessThanOrEqualTo(100);
		try (StompConnection consumer = Transport.WEBSOCKET.connect(server)) {
			for (String name : created) {
				consumer.subscribe(name, "d");
				assertThat(consumer.receive().bodyText()).isEqualTo("x");
				consumer.unsubscribe("d");
			}
		}
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(hoarded(broker, prefix)).as("removed once idle").isEmpty());
		try (StompConnection again = Transport.TCP.connect(server)) {
			assertThat(again.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + "new").body("y"))
				.command()).isEqualTo("RECEIPT");
		}
	}

	/**
	 * One attacker: one 256 KB message into each of up to 150 new queues; each ERROR ends
	 * its connection and it comes back, three times.
	 */
	private static Void hoard(String prefix, AtomicInteger accepted, Queue<String> refusals) {
		int refused = 0;
		int queue = 0;
		while (refused < 3 && queue < 150) {
			try (StompConnection attacker = Transport.TCP.connect(server)) {
				while (queue < 150) {
					attacker.send(StompFrame.create("SEND")
						.header("destination", prefix + queue++)
						.header("receipt", "h" + queue)
						.body(HOARD));
					StompFrame answer = attacker.receive(StompConnection.LONG_WAIT);
					if (answer.command().equals("ERROR")) {
						refusals.add(answer.header("message"));
						refused++;
						break;
					}
					accepted.incrementAndGet();
				}
			}
		}
		return null;
	}

	private static List<String> hoarded(Broker broker, String prefix) {
		return broker.router()
			.destinations()
			.stream()
			.map(DestinationInfo::name)
			.filter((name) -> name.startsWith(prefix))
			.toList();
	}

	private int health() throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/actuator/health"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

}
