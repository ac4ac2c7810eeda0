package io.herald.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.herald.cluster.Backplane;
import io.herald.it.security.Tokens;
import io.herald.it.support.ClusterRabbit;
import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.JsonHttp;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three Herald nodes sharing topics, queues, user queues, retained values and presence
 * through RabbitMQ ({@link ClusterRabbit}: a Testcontainers RabbitMQ where Docker runs,
 * else the one on 127.0.0.1:5672, which {@code .ci/run} starts): cross-node fan-out with
 * wildcards in each publisher's order and never twice, bindings that follow local
 * interest, one RabbitMQ connection per node whatever the number of clients, queue SENDs
 * confirmed or refused by name, and the faults RabbitMQ can cause.
 */
class ClusterIT {

	/**
	 * Unique across runs, not only within one: the cluster's queues are durable in
	 * RabbitMQ, and a queue left by an earlier run must not feed this one.
	 */
	private static final String RUN = "r" + Long.toString(System.currentTimeMillis(), 36);

	private static final ClusterRabbit RABBIT = ClusterRabbit.get();

	@RegisterExtension
	static final HeraldExtension a = HeraldExtension.withArgs(node("a"));

	@RegisterExtension
	static final HeraldExtension b = HeraldExtension.withArgs(node("b"));

	@RegisterExtension
	static final HeraldExtension c = HeraldExtension.withArgs(node("c"));

	/** A node's arguments; {@code more} adds to them or overrides them. */
	private static String[] node(String name, String... more) {
		List<String> arguments = new ArrayList<>(RABBIT.nodeArguments());
		arguments.addAll(List.of("--herald.cluster.node-id=" + RUN + name,
				"--herald.cluster.rabbitmq.exchange=herald.it.topics",
				"--herald.cluster.rabbitmq.recovery-interval=500ms", "--herald.limits.max-connections-per-address=2000",
				"--herald.security.jwt.secret=" + Tokens.SECRET,
				// the queue test publishes 50,000 SENDs as fast as it can
				"--herald.limits.inbound-frames-per-second=0",
				"--herald.topics.rules[0].destinations[0]=/topic/cl-ret.#", "--herald.topics.rules[0].retain=last",
				"--herald.topics.rules[1].destinations[0]=/topic/cl-room.#", "--herald.topics.rules[1].presence=true"));
		for (String argument : more) {
			String property = argument.substring(0, argument.indexOf('=') + 1);
			arguments.removeIf((earlier) -> earlier.startsWith(property));
			arguments.add(argument);
		}
		return arguments.toArray(String[]::new);
	}

	private static Backplane backplane(HeraldExtension node) {
		return node.server().context().getBean(Backplane.class);
	}

	/** Publishes probes on A until B's subscriber of {@code pattern} gets one: bound. */
	private static void awaitBound(StompConnection subscriber, String probeTopic) {
		try (StompConnection prober = Transport.TCP.connect(a)) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
				prober.publish(probeTopic, "probe");
				StompFrame got = subscriber.poll(Duration.ofMillis(50));
				return got != null;
			});
		}
		// what probes were still on their way
		while (subscriber.poll(Duration.ofMillis(200)) != null) {
			// drained
		}
	}

	@Test
	void bothNodesAreReadyAndLinked() throws Exception {
		for (HeraldExtension node : List.of(a, b)) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backplane(node).status().connected());
			assertThat(JsonHttp.get(node, "/actuator/health/readiness").status()).isEqualTo(200);
		}
	}

	@Test
	void aMessagePublishedOnOneNodeReachesWildcardSubscribersOnBothInOrderAndOnce() throws Exception {
		String prefix = "/topic/cl." + HeraldServer.unique("fan");
		int count = 2_000;
		try (StompConnection onB = Transport.WEBSOCKET.connect(b);
				StompConnection onA = Transport.TCP.connect(a);
				StompConnection publisher = Transport.TCP.connect(a)) {
			onB.subscribe(prefix + ".*", "remote");
			onA.subscribe(prefix + ".#", "local");
			awaitBound(onB, prefix + ".probe");
			while (onA.poll(Duration.ofMillis(100)) != null) {
				// the probes, locally
			}
			for (int i = 0; i < count; i++) {
				publisher.publish(prefix + ".prices", Integer.toString(i));
			}
			publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + ".prices").body("end"));
			for (StompConnection subscriber : List.of(onB, onA)) {
				List<StompFrame> got = subscriber.receiveMessages(count + 1, StompConnection.LONG_WAIT);
				for (int i = 0; i < count; i++) {
					assertThat(got.get(i).bodyText()).as("in the publisher's order").isEqualTo(Integer.toString(i));
				}
				assertThat(got.get(count).bodyText()).isEqualTo("end");
				assertThat(got.get(0).header("destination")).isEqualTo(prefix + ".prices");
				subscriber.expectNoFrame(Duration.ofMillis(300));
			}
		}
	}

	@Test
	void aUserQueueMessageReachesEverySessionOfThatUserOnEveryNodeOnce() throws Exception {
		String alice = HeraldServer.unique("alice");
		try (StompConnection aliceOnA = Transport.TCP.open(a);
				StompConnection aliceOnB = Transport.WEBSOCKET.open(b);
				StompConnection carolOnB = Transport.TCP.open(b);
				StompConnection bob = Transport.TCP.open(a)) {
			for (StompConnection session : List.of(aliceOnA, aliceOnB)) {
				session.connect("Authorization", "Bearer " + Tokens.valid(alice));
				session.subscribe("/user/queue/notes", "n");
			}
			carolOnB.connect("Authorization", "Bearer " + Tokens.valid(HeraldServer.unique("carol")));
			carolOnB.subscribe("/user/queue/notes", "n");
			bob.connect("Authorization", "Bearer " + Tokens.valid("bob"));
			Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
				bob.publish("/user/" + alice + "/queue/notes", "probe");
				return aliceOnB.poll(Duration.ofMillis(100)) != null;
			});
			drain(aliceOnA);
			drain(aliceOnB);
			bob.sendWithReceipt(StompFrame.create("SEND")
				.header("destination", "/user/" + alice + "/queue/notes")
				.body("hi alice"));
			for (StompConnection session : List.of(aliceOnA, aliceOnB)) {
				StompFrame note = session.receive("MESSAGE");
				assertThat(note.bodyText()).isEqualTo("hi alice");
				assertThat(note.header("destination")).isEqualTo("/user/queue/notes");
				assertThat(note.header("x-herald-user")).isEqualTo("bob");
				session.expectNoFrame(Duration.ofMillis(300));
			}
			carolOnB.expectNoFrame(Duration.ofMillis(100));
		}
	}

	@Test
	void aQueueSpansTheNodesEachMessageGoesToOneConsumerNoneIsLostAndOnlyAKilledConsumersComeAgain() throws Exception {
		String queue = "/queue/cl-" + RUN + "-" + HeraldServer.unique("jobs");
		int total = 50_000;
		java.util.Map<String, Integer> seen = new java.util.HashMap<>();
		java.util.Set<String> heldByTheKilled = new java.util.HashSet<>();
		// not closed by the try: the test kills it on the way
		StompConnection killed = Transport.TCP.connect(a);
		try (StompConnection onA = Transport.TCP.connect(a);
				StompConnection onB = Transport.WEBSOCKET.connect(b);
				StompConnection publisher = Transport.TCP.connect(c)) {
			onA.subscribe(queue, "q");
			onB.subscribe(queue, "q");
			killed.subscribe(queue, "q", "ack", "client-individual");
			for (int i = 0; i < total; i++) {
				publisher.publish(queue, Integer.toString(i));
			}
			publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", queue).body("last"));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
			boolean alive = true;
			while (seen.size() < total + 1 && System.nanoTime() < deadline) {
				for (StompConnection consumer : List.of(onA, onB, killed)) {
					if (consumer == killed && !alive) {
						continue;
					}
					StompFrame message;
					while ((message = consumer.poll(Duration.ofMillis(5))) != null) {
						if (!"MESSAGE".equals(message.command())) {
							continue;
						}
						seen.merge(message.bodyText(), 1, Integer::sum);
						if (consumer == killed) {
							heldByTheKilled.add(message.bodyText());
						}
					}
				}
				if (alive && heldByTheKilled.size() >= 50) {
					// dies without acknowledging anything
					killed.close();
					alive = false;
				}
			}
			assertThat(alive).as("the killed consumer had its share").isFalse();
			assertThat(seen).as("every message, none lost").hasSize(total + 1);
			seen.forEach((body, times) -> {
				if (times > 1) {
					assertThat(heldByTheKilled).as("only what the killed consumer held comes again: %s", body)
						.contains(body);
				}
			});
		}
		finally {
			killed.close();
			rabbitmqctl("delete_queue", "herald.queue." + queue.substring("/queue/".length()));
		}
	}

	@Test
	void aRetainedValuePublishedOnOneNodeIsShownBySubscribingOnAnother() throws Exception {
		for (HeraldExtension node : List.of(a, b)) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backplane(node).status().connected());
		}
		String topic = "/topic/cl-ret." + HeraldServer.unique("status");
		try (StompConnection publisher = Transport.TCP.connect(a)) {
			publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", topic).body("up"));
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			try (StompConnection late = Transport.TCP.connect(b)) {
				late.subscribe(topic, "s");
				StompFrame retained = late.poll(Duration.ofMillis(500));
				assertThat(retained).isNotNull();
				assertThat(retained.bodyText()).isEqualTo("up");
				assertThat(retained.header("x-herald-retained")).isEqualTo("true");
			}
		});
	}

	@Test
	void aRoomsWatcherOnOneNodeSeesMembersOfEveryNodeComeAndGo() throws Exception {
		for (HeraldExtension node : List.of(a, b)) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backplane(node).status().connected());
		}
		String room = "cl-room." + HeraldServer.unique("lobby");
		String user = HeraldServer.unique("alice");
		try (StompConnection watcher = Transport.TCP.connect(b);
				StompConnection onA = Transport.TCP.open(a);
				StompConnection onB = Transport.WEBSOCKET.open(b)) {
			watcher.subscribe("/presence/topic/" + room, "w");
			assertThat(watcher.receive("MESSAGE").header("x-herald-presence-event")).isEqualTo("snapshot");
			onA.connect("Authorization", "Bearer " + Tokens.valid(user));
			onA.subscribe("/topic/" + room, "in", "x-herald-presence-info", "{\"via\":\"a\"}");
			StompFrame joined = watcher.receive("MESSAGE");
			assertThat(joined.header("x-herald-presence-event")).isEqualTo("join");
			assertThat(joined.bodyText()).contains("\"user\":\"" + user + "\"").contains("{\"via\":\"a\"}");
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> JsonHttp.get(b, "/api/v1/presence/topic/" + room).body().size() == 1);
			onB.connect("Authorization", "Bearer " + Tokens.valid(user));
			onB.subscribe("/topic/" + room, "in");
			assertThat(watcher.receive("MESSAGE").header("x-herald-presence-event")).isEqualTo("session-join");
			onA.disconnect();
			assertThat(watcher.receive("MESSAGE").header("x-herald-presence-event"))
				.as("the user is still in through the session on B")
				.isEqualTo("session-leave");
			onB.unsubscribe("in");
			assertThat(watcher.receive("MESSAGE").header("x-herald-presence-event")).isEqualTo("leave");
		}
	}

	@Test
	void theQueuesASendMayCreateInRabbitMqAreBoundedAsLocalOnesAre() throws Exception {
		String base = "/queue/cl-" + RUN + "-" + HeraldServer.unique("capped");
		try (HeraldServer capped = HeraldServer.start(node("d", "--herald.queues.max-queues=2"));
				StompConnection sender = Transport.TCP.connect(capped)) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> capped.context().getBean(Backplane.class).status().connected());
			for (int i = 0; i < 2; i++) {
				assertThat(sender.sendWithReceipt(StompFrame.create("SEND").header("destination", base + i).body("x"))
					.command()).isEqualTo("RECEIPT");
			}
			sender.send(StompFrame.create("SEND").header("destination", base + 2).header("receipt", "r").body("x"));
			assertThat(sender.expectErrorAndClose().header("message")).contains("herald.queues.max-queues");
		}
		finally {
			for (int i = 0; i < 2; i++) {
				rabbitmqctl("delete_queue", "herald.queue." + base.substring("/queue/".length()) + i);
			}
		}
	}

	@Test
	void aNodeIsBoundOnlyWhileItHasLocalSubscribers() throws Exception {
		String prefix = "/topic/cl." + HeraldServer.unique("bind");
		try (StompConnection onB = Transport.TCP.connect(b)) {
			onB.subscribe(prefix + ".*", "s");
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> bindings().contains(prefix.substring("/topic/".length()) + ".*"));
			try (StompConnection second = Transport.TCP.connect(b)) {
				second.subscribe(prefix + ".*", "s");
				assertThat(bindings().stream().filter((key) -> key.equals(prefix.substring(7) + ".*")))
					.as("bound once per pattern, not per subscriber")
					.hasSize(1);
			}
			onB.unsubscribe("s");
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> !bindings().contains(prefix.substring("/topic/".length()) + ".*"));
		}
	}

	@Test
	void eachNodeHoldsOneRabbitConnectionWithOneClientAndWithAThousand() throws Exception {
		assertThat(connectionsOf(backplane(a).nodeId())).isEqualTo(1);
		List<StompConnection> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 1_000; i++) {
				StompConnection client = Transport.TCP.connect(a);
				clients.add(client);
				client.send(
						StompFrame.create("SUBSCRIBE").header("destination", "/topic/cl.many." + i).header("id", "s"));
			}
			clients.get(clients.size() - 1).subscribe("/topic/cl.many.last", "last");
			assertThat(connectionsOf(backplane(a).nodeId())).as("with 1,000 clients").isEqualTo(1);
			assertThat(connectionsOf(backplane(b).nodeId())).isEqualTo(1);
		}
		finally {
			clients.forEach(StompConnection::close);
		}
	}

	@Test
	void whenRabbitClosesANodesConnectionLocalTrafficGoesOnAndCrossNodeTrafficComesBackByItself() throws Exception {
		String prefix = "/topic/cl." + HeraldServer.unique("cut");
		try (StompConnection onB = Transport.TCP.connect(b);
				StompConnection onA = Transport.TCP.connect(a);
				StompConnection publisher = Transport.TCP.connect(a)) {
			subscribeOnBoth(onB, onA, prefix);
			for (String pid : connectionPids(backplane(a).nodeId())) {
				rabbitmqctl("close_connection", pid, "closed by ClusterIT");
			}
			publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + ".x").body("local"));
			assertThat(onA.receive("MESSAGE").bodyText()).as("local pub/sub never stops").isEqualTo("local");
			awaitBound(onB, prefix + ".probe");
			assertThat(backplane(a).status().connected()).isTrue();
		}
	}

	@Test
	void whenRabbitStopsTheNodesAreNotReadyButServeTheirClientsAndComeBackWhenItStarts() throws Exception {
		String prefix = "/topic/cl." + HeraldServer.unique("stop");
		try (StompConnection onB = Transport.TCP.connect(b);
				StompConnection lateOnB = Transport.TCP.connect(b);
				StompConnection onA = Transport.TCP.connect(a);
				StompConnection publisher = Transport.TCP.connect(a)) {
			subscribeOnBoth(onB, onA, prefix);
			rabbitmqctl("stop_app");
			try {
				Awaitility.await()
					.atMost(Duration.ofSeconds(20))
					.until(() -> JsonHttp.get(a, "/actuator/health/readiness").status() == 503);
				assertThat(JsonHttp.get(a, "/api/v1/admin/overview").body().at("/cluster/connected").booleanValue())
					.isFalse();
				publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", prefix + ".x").body("alone"));
				assertThat(onA.receive("MESSAGE").bodyText()).as("local pub/sub goes on").isEqualTo("alone");
				// a subscriber that arrives while RabbitMQ is away is bound when it is
				// back
				lateOnB.subscribe(prefix + ".late.*", "late");
			}
			finally {
				rabbitmqctl("start_app");
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> JsonHttp.get(a, "/actuator/health/readiness").status() == 200);
			awaitBound(onB, prefix + ".probe");
			awaitBound(lateOnB, prefix + ".late.probe");
		}
	}

	@Test
	void aQueueSendRabbitMqRefusesToStoreIsAnErrorNamingItNeverASilentLoss() throws Exception {
		String name = "cl-" + RUN + "-" + HeraldServer.unique("reject");
		String policy = "herald-it-" + name;
		// RabbitMQ itself refuses what goes beyond one message in this queue
		rabbitmqctl("set_policy", "--apply-to", "queues", policy, "^herald\\.queue\\." + name + "$",
				"{\"max-length\":1,\"overflow\":\"reject-publish\"}");
		try (StompConnection sender = Transport.TCP.connect(a)) {
			assertThat(
					sender.sendWithReceipt(StompFrame.create("SEND").header("destination", "/queue/" + name).body("1"))
						.command())
				.as("the first is stored and confirmed")
				.isEqualTo("RECEIPT");
			sender.send(StompFrame.create("SEND")
				.header("destination", "/queue/" + name)
				.header("receipt", "second")
				.body("2"));
			StompFrame error = sender.expectErrorAndClose();
			assertThat(error.header("receipt-id")).isEqualTo("second");
			assertThat(error.header("message")).contains("/queue/" + name).contains("RabbitMQ refused to store it");
		}
		finally {
			rabbitmqctl("clear_policy", policy);
			rabbitmqctl("delete_queue", "herald.queue." + name);
		}
		assertThat(backplane(a).status().connected()).as("the link lives on").isTrue();
	}

	@Test
	void aQueueSendWithHeadersOverRabbitMqsFrameSizeIsRefusedAndTheNodesOtherStoresGoOn() throws Exception {
		String queue = "/queue/cl-" + RUN + "-" + HeraldServer.unique("headers");
		try (StompConnection sender = Transport.TCP.connect(a); StompConnection other = Transport.TCP.connect(a)) {
			StompFrame large = StompFrame.create("SEND").header("destination", queue).header("receipt", "large");
			for (int i = 0; i < 24; i++) {
				// within Herald's limits (64 headers of 8 KB), over RabbitMQ's 128 KiB
				// frame
				large.header("x-part-" + i, "p".repeat(7_000));
			}
			sender.send(large.body("x"));
			StompFrame error = sender.expectErrorAndClose();
			assertThat(error.header("receipt-id")).isEqualTo("large");
			assertThat(error.header("message")).contains(queue).contains("over RabbitMQ's frame size");
			for (int i = 0; i < 3; i++) {
				assertThat(other.sendWithReceipt(StompFrame.create("SEND").header("destination", queue).body("small"))
					.command()).as("the node's stores go on, each confirmed").isEqualTo("RECEIPT");
			}
		}
		finally {
			rabbitmqctl("delete_queue", "herald.queue." + queue.substring("/queue/".length()));
		}
	}

	@Test
	void whileRabbitMqBlocksPublishersQueueSendsAreRefusedByNameAndTheNodeIsNotReady() throws Exception {
		String queue = "/queue/cl-" + RUN + "-" + HeraldServer.unique("blocked");
		String watermark = rabbitmqctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().").get(0).trim();
		if (!watermark.matches("[0-9.]+")) {
			watermark = "0.4";
		}
		try (StompConnection sender = Transport.TCP.connect(a)) {
			// RabbitMQ's memory alarm: it blocks every connection that publishes
			rabbitmqctl("set_vm_memory_high_watermark", "0.0001");
			try {
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !backplane(a).status().connected());
				assertThat(backplane(a).status().detail()).contains("RabbitMQ blocks publishers");
				assertThat(JsonHttp.get(a, "/actuator/health/readiness").status()).isEqualTo(503);
				sender.send(
						StompFrame.create("SEND").header("destination", queue).header("receipt", "blocked").body("x"));
				StompFrame error = sender.expectErrorAndClose();
				assertThat(error.header("receipt-id")).isEqualTo("blocked");
				assertThat(error.header("message")).contains(queue).contains("RabbitMQ blocks publishers");
			}
			finally {
				rabbitmqctl("set_vm_memory_high_watermark", watermark);
			}
		}
		try (StompConnection sender = Transport.TCP.connect(a)) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backplane(a).status().connected());
			assertThat(
					sender.sendWithReceipt(StompFrame.create("SEND").header("destination", queue).body("y")).command())
				.isEqualTo("RECEIPT");
		}
		finally {
			rabbitmqctl("delete_queue", "herald.queue." + queue.substring("/queue/".length()));
		}
	}

	@Test
	void aQueueRabbitMqHoldsWithOtherArgumentsIsRefusedByNameAndOtherQueuesGoOn() throws Exception {
		String odd = "cl-" + RUN + "-" + HeraldServer.unique("odd");
		String plain = "/queue/cl-" + RUN + "-" + HeraldServer.unique("plain");
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		String[] hostPort = RABBIT.address().split(":");
		factory.setHost(hostPort[0]);
		factory.setPort(Integer.parseInt(hostPort[1]));
		try (com.rabbitmq.client.Connection other = factory.newConnection("ClusterIT")) {
			// declared by someone else, with an argument Herald does not give
			other.createChannel()
				.queueDeclare("herald.queue." + odd, true, false, false, java.util.Map.of("x-max-length", 5));
		}
		try (StompConnection sender = Transport.TCP.connect(b); StompConnection other = Transport.TCP.connect(b)) {
			sender.send(StompFrame.create("SEND")
				.header("destination", "/queue/" + odd)
				.header("receipt", "odd")
				.body("x"));
			StompFrame error = sender.expectErrorAndClose();
			assertThat(error.header("receipt-id")).isEqualTo("odd");
			assertThat(error.header("message")).contains("herald.queue." + odd).contains("PRECONDITION_FAILED");
			assertThat(
					other.sendWithReceipt(StompFrame.create("SEND").header("destination", plain).body("y")).command())
				.as("the node's other stores go on")
				.isEqualTo("RECEIPT");
			assertThat(backplane(b).status().connected()).isTrue();
		}
		finally {
			rabbitmqctl("delete_queue", "herald.queue." + odd);
			rabbitmqctl("delete_queue", "herald.queue." + plain.substring("/queue/".length()));
		}
	}

	@Test
	void whenRabbitMqDeletesANodesQueueTheNodeDeclaresAnotherAndIsBoundAgain() throws Exception {
		String prefix = "/topic/cl." + HeraldServer.unique("deleted");
		try (StompConnection onB = Transport.TCP.connect(b); StompConnection onA = Transport.TCP.connect(a)) {
			subscribeOnBoth(onB, onA, prefix);
			String detail = backplane(b).status().detail();
			String queue = detail.substring(detail.lastIndexOf("queue ") + "queue ".length());
			rabbitmqctl("delete_queue", queue);
			awaitBound(onB, prefix + ".probe");
			assertThat(backplane(b).status().detail()).as("a new queue").doesNotEndWith(queue);
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> backplane(b).status().connected());
		}
	}

	@Test
	void aMemberWhoLeftWhileItsNodeWasCutOffIsGoneForTheOthersOnceItIsBack() throws Exception {
		String room = "cl-room." + HeraldServer.unique("cut");
		try (HeraldServer slow = HeraldServer.start(node("e", "--herald.cluster.rabbitmq.recovery-interval=3s"));
				StompConnection watcher = Transport.TCP.connect(a);
				StompConnection member = Transport.TCP.connect(slow)) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> slow.context().getBean(Backplane.class).status().connected());
			watcher.subscribe("/presence/topic/" + room, "w");
			assertThat(watcher.receive("MESSAGE").header("x-herald-presence-event")).isEqualTo("snapshot");
			member.subscribe("/topic/" + room, "in");
			assertThat(watcher.receive("MESSAGE").header("x-herald-presence-event")).isEqualTo("join");
			for (String pid : connectionPids(slow.context().getBean(Backplane.class).nodeId())) {
				rabbitmqctl("close_connection", pid, "closed by ClusterIT");
			}
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> !slow.context().getBean(Backplane.class).status().connected());
			// its leave cannot be told now
			member.unsubscribe("in");
			StompFrame left = watcher.receive(Duration.ofSeconds(20));
			assertThat(left).as("the snapshot the node sends when it is back says the member left").isNotNull();
			assertThat(left.header("x-herald-presence-event")).isEqualTo("leave");
			assertThat(JsonHttp.get(a, "/api/v1/presence/topic/" + room).body().size()).isZero();
		}
	}

	@Test
	void aNodeThatStartsLaterIsHandedTheRetainedValuesPublishedBefore() throws Exception {
		String topic = "/topic/cl-ret." + HeraldServer.unique("before");
		try (StompConnection publisher = Transport.TCP.connect(a)) {
			publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", topic).body("published before"));
		}
		try (HeraldServer late = HeraldServer.start(node("f"))) {
			Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				try (StompConnection subscriber = Transport.TCP.connect(late)) {
					subscriber.subscribe(topic, "s");
					StompFrame retained = subscriber.poll(Duration.ofMillis(500));
					assertThat(retained).isNotNull();
					assertThat(retained.bodyText()).isEqualTo("published before");
					assertThat(retained.header("x-herald-retained")).isEqualTo("true");
				}
			});
		}
	}

	/** PREFIX.* subscribed on B and on A, B bound upstream, the probes gone. */
	private static void subscribeOnBoth(StompConnection onB, StompConnection onA, String prefix) {
		onB.subscribe(prefix + ".*", "remote");
		onA.subscribe(prefix + ".*", "local");
		awaitBound(onB, prefix + ".probe");
		drain(onA);
	}

	private static void drain(StompConnection subscriber) {
		while (subscriber.poll(Duration.ofMillis(200)) != null) {
			// what came before the test's own messages
		}
	}

	/** The routing keys the shared exchange is bound with now. */
	private static List<String> bindings() throws IOException, InterruptedException {
		return rabbitmqctl("list_bindings", "source_name", "routing_key").stream()
			.filter((line) -> line.startsWith("herald.it.topics\t"))
			.map((line) -> line.substring(line.indexOf('\t') + 1))
			.toList();
	}

	/** The RabbitMQ connections a node opened, by pid. */
	private static List<String> connectionPids(String nodeId) throws IOException, InterruptedException {
		return rabbitmqctl("list_connections", "pid", "client_properties").stream()
			.filter((line) -> line.contains("\"herald-" + nodeId + "\""))
			.map((line) -> line.substring(0, line.indexOf('\t')))
			.toList();
	}

	/** RabbitMQ connections a node opened (named herald-NODE). */
	private static long connectionsOf(String nodeId) throws IOException, InterruptedException {
		return rabbitmqctl("list_connections", "client_properties").stream()
			.filter((line) -> line.contains("\"herald-" + nodeId + "\""))
			.count();
	}

	private static List<String> rabbitmqctl(String... arguments) throws IOException, InterruptedException {
		return RABBIT.rabbitmqctl(arguments);
	}

}
