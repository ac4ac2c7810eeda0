package io.herald.it.security;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every abuse limit crossed over real sockets. In each case the offender gets an ERROR
 * naming the limit and is closed, while a witness subscriber on another connection keeps
 * receiving a witness publisher's messages, all of them and in order; at the end the
 * broker's heap has not grown with the garbage it was fed.
 */
class AbuseLimitsIT {

	private static final int PER_ADDRESS = 12;

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs(
			"--herald.limits.max-connections-per-address=" + PER_ADDRESS,
			"--herald.limits.inbound-frames-per-second=200", "--herald.limits.inbound-bytes-per-second=256KB",
			"--herald.limits.max-frame-size=64KB", "--herald.limits.max-headers=16",
			"--herald.limits.max-header-line-size=1KB", "--herald.limits.connect-timeout=1s",
			"--herald.limits.max-subscriptions-per-session=5", "--herald.limits.max-unacked-per-subscription=3",
			"--herald.queues.max-length=5");

	private static long baselineHeap;

	private StompConnection witnessSubscriber;

	private StompConnection witnessPublisher;

	private int witnessSequence;

	@BeforeAll
	static void measureHeap() {
		baselineHeap = usedHeapAfterGc();
	}

	/** Measured while the broker still runs: the extension closes it after this. */
	@AfterAll
	static void heapDidNotGrow() {
		long grown = usedHeapAfterGc() - baselineHeap;
		assertThat(grown).as("heap growth over the whole abuse suite, bytes").isLessThan(64L * 1024 * 1024);
	}

	@BeforeEach
	void witnesses() {
		this.witnessSubscriber = Transport.TCP.open(broker);
		assertThat(this.witnessSubscriber.attemptConnect().command()).isEqualTo("CONNECTED");
		this.witnessSubscriber.send(subscribe("w", "/topic/witness").header("receipt", "w"));
		assertThat(this.witnessSubscriber.receive().command()).isEqualTo("RECEIPT");
		this.witnessPublisher = Transport.TCP.open(broker);
		assertThat(this.witnessPublisher.attemptConnect().command()).isEqualTo("CONNECTED");
		witnessTraffic(20);
	}

	/**
	 * Whatever the attack did, the witnesses are still served, completely and in order.
	 */
	@AfterEach
	void witnessesStillServed() {
		try {
			witnessTraffic(50);
		}
		finally {
			this.witnessSubscriber.close();
			this.witnessPublisher.close();
		}
	}

	private void witnessTraffic(int count) {
		int first = this.witnessSequence;
		for (int i = 0; i < count; i++) {
			this.witnessPublisher.send(send("/topic/witness", "w-" + this.witnessSequence++));
		}
		for (int i = 0; i < count; i++) {
			StompFrame message = this.witnessSubscriber.receive();
			assertThat(message.command()).isEqualTo("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("w-" + (first + i));
		}
	}

	@Test
	void connectionFloodFromOneAddressIsRefusedOverTheLimit() {
		List<StompConnection> flood = new ArrayList<>();
		try {
			StompFrame refusal = null;
			for (int i = 0; i < PER_ADDRESS + 5 && refusal == null; i++) {
				StompConnection client = Transport.TCP.open(broker);
				flood.add(client);
				StompFrame answer = connectOrRefusal(client);
				if (answer.command().equals("ERROR")) {
					refusal = answer;
					client.awaitClosed();
				}
			}
			assertThat(refusal).as("a refusal within %d connections", PER_ADDRESS + 5).isNotNull();
			assertThat(refusal.header("message")).contains("exceeds the limit of " + PER_ADDRESS);
			assertThat(flood.size()).as("connections before the refusal, besides the 2 witnesses")
				.isLessThanOrEqualTo(PER_ADDRESS - 1);
		}
		finally {
			flood.forEach(StompConnection::close);
		}
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			// room again for several: the flood's places are all given back
			try (StompConnection a = Transport.TCP.open(broker);
					StompConnection b = Transport.TCP.open(broker);
					StompConnection c = Transport.TCP.open(broker)) {
				for (StompConnection again : List.of(a, b, c)) {
					assertThat(again.attemptConnect().command()).as("a connection once the flood is gone")
						.isEqualTo("CONNECTED");
				}
			}
		});
	}

	@Test
	void frameFloodOverTheRateLimitEndsTheSession() {
		try (StompConnection flooder = Transport.TCP.open(broker)) {
			flooder.connect();
			byte[] frame = "SEND\ndestination:/topic/flood\n\nx\0".getBytes(StandardCharsets.UTF_8);
			byte[] batch = repeat(frame, 100);
			for (int i = 0; i < 50 && !flooder.isClosed(); i++) {
				if (!trySend(flooder, batch)) {
					break;
				}
			}
			StompFrame error = flooder.receive();
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).isEqualTo("inbound rate exceeds the limit of 200 frames per second");
			flooder.awaitClosed();
		}
	}

	@Test
	void byteFloodOverTheRateLimitEndsTheSession() {
		try (StompConnection flooder = Transport.TCP.open(broker)) {
			flooder.connect();
			String body = "b".repeat(60 * 1024);
			for (int i = 0; i < 20 && !flooder.isClosed(); i++) {
				if (!trySend(flooder, ("SEND\ndestination:/topic/flood\n\n" + body + "\0").getBytes())) {
					break;
				}
			}
			StompFrame error = flooder.receive();
			assertThat(error.header("message")).startsWith("inbound rate exceeds the limit of 262144 bytes");
			flooder.awaitClosed();
		}
	}

	@Test
	void headerBombIsRefused() {
		try (StompConnection bomber = Transport.TCP.open(broker)) {
			bomber.connect();
			String[] headers = new String[1000];
			Arrays.setAll(headers, (i) -> "h" + i + ":" + i);
			String frame = "SEND\ndestination:/topic/x\n" + String.join("\n", headers) + "\n\n\0";
			trySend(bomber, frame.getBytes(StandardCharsets.UTF_8));
			StompFrame error = bomber.receive();
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).contains("exceeds the limit of 16");
			bomber.awaitClosed();
		}
	}

	@Test
	void overlongHeaderLineIsRefused() {
		try (StompConnection client = Transport.TCP.open(broker)) {
			client.connect();
			trySend(client, ("SEND\ndestination:/topic/x\nbig:" + "v".repeat(100_000) + "\n\n\0").getBytes());
			StompFrame error = client.receive();
			assertThat(error.header("message")).isEqualTo("header line exceeds the limit of 1024 bytes");
			client.awaitClosed();
		}
	}

	@Test
	void endlessFrameWithoutNulIsCutAtTheFrameLimit() {
		try (StompConnection tcp = Transport.TCP.open(broker); StompConnection ws = Transport.WEBSOCKET.open(broker)) {
			for (StompConnection client : List.of(tcp, ws)) {
				client.connect();
				trySend(client, "SEND\ndestination:/topic/x\n\n".getBytes());
				byte[] chunk = "e".repeat(16 * 1024).getBytes();
				// 16 MiB offered in all; the broker must stop listening after 64 KiB
				for (int i = 0; i < 1024 && !client.isClosed(); i++) {
					if (!trySend(client, chunk)) {
						break;
					}
				}
				StompFrame error = client.receive();
				assertThat(error.command()).isEqualTo("ERROR");
				assertThat(error.header("message")).isEqualTo("frame exceeds the limit of 65536 bytes");
				client.awaitClosed();
			}
		}
	}

	@Test
	void socketThatNeverSendsConnectIsClosed() {
		try (StompConnection idle = Transport.TCP.open(broker)) {
			StompFrame error = idle.receive();
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).isEqualTo("no CONNECT frame within 1000 ms of opening the connection");
			idle.awaitClosed();
		}
	}

	@Test
	void invalidUtf8InAHeaderIsRefused() {
		try (StompConnection client = Transport.TCP.open(broker)) {
			client.connect();
			byte[] prefix = "SEND\ndestination:/topic/x\nname:".getBytes();
			byte[] frame = concat(prefix, new byte[] { (byte) 0xC3, 0x28, (byte) 0xFF }, "\n\n\0".getBytes());
			trySend(client, frame);
			StompFrame error = client.receive();
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).contains("UTF-8");
			client.awaitClosed();
		}
	}

	@Test
	void subscriptionsPerSessionAreBounded() {
		try (StompConnection client = Transport.TCP.open(broker)) {
			client.connect();
			for (int i = 0; i < 5; i++) {
				client.send(subscribe(Integer.toString(i), "/topic/s" + i).header("receipt", "r" + i));
				assertThat(client.receive().command()).isEqualTo("RECEIPT");
			}
			client.send(subscribe("5", "/topic/s5").header("receipt", "r5"));
			StompFrame error = client.receive();
			assertThat(error.header("message"))
				.isEqualTo("subscription '5' exceeds the limit of 5 subscriptions per session");
			assertThat(error.header("receipt-id")).isEqualTo("r5");
			client.awaitClosed();
		}
	}

	@Test
	void unackedMessagesPerTopicSubscriptionAreBounded() {
		try (StompConnection hoarder = Transport.TCP.open(broker);
				StompConnection publisher = Transport.TCP.open(broker)) {
			hoarder.connect();
			hoarder.send(subscribe("h", "/topic/hoard").header("ack", "client-individual").header("receipt", "s"));
			assertThat(hoarder.receive().command()).isEqualTo("RECEIPT");
			publisher.connect();
			for (int i = 0; i < 4; i++) {
				publisher.send(send("/topic/hoard", "m" + i));
			}
			StompFrame last = null;
			for (int i = 0; i < 4 && !"ERROR".equals(last == null ? null : last.command()); i++) {
				last = hoarder.receive();
			}
			assertThat(last.command()).isEqualTo("ERROR");
			assertThat(last.header("message")).contains("exceeds the limit of 3");
			hoarder.awaitClosed();
		}
	}

	@Test
	void queueLengthIsBoundedPerDestination() {
		try (StompConnection producer = Transport.TCP.open(broker)) {
			producer.connect();
			for (int i = 0; i < 5; i++) {
				producer.send(send("/queue/bounded", "job" + i).header("receipt", "j" + i));
				assertThat(producer.receive().command()).isEqualTo("RECEIPT");
			}
			producer.send(send("/queue/bounded", "job5").header("receipt", "j5"));
			StompFrame error = producer.receive();
			assertThat(error.command()).isEqualTo("ERROR");
			assertThat(error.header("message")).contains("/queue/bounded").contains("5");
			assertThat(error.header("receipt-id")).isEqualTo("j5");
		}
		try (StompConnection consumer = Transport.TCP.open(broker)) {
			consumer.connect();
			consumer.send(subscribe("q", "/queue/bounded"));
			for (int i = 0; i < 5; i++) {
				assertThat(consumer.receive().bodyText()).as("the buffered jobs survive the refusal")
					.isEqualTo("job" + i);
			}
		}
	}

	/**
	 * CONNECT, or the refusal the broker sent on open: it may close the socket before the
	 * CONNECT is written, and the ERROR is then already queued.
	 */
	private static StompFrame connectOrRefusal(StompConnection client) {
		try {
			return client.attemptConnect();
		}
		catch (IllegalStateException ex) {
			return client.receive();
		}
	}

	/**
	 * Sends the bytes as they are (in a binary message over WebSocket) unless the broker
	 * already closed the connection; reports whether it did.
	 */
	private static boolean trySend(StompConnection client, byte[] bytes) {
		try {
			client.sendRaw(bytes, true);
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private static StompFrame subscribe(String id, String destination) {
		return StompFrame.create("SUBSCRIBE").header("id", id).header("destination", destination);
	}

	private static StompFrame send(String destination, String body) {
		return StompFrame.create("SEND").header("destination", destination).body(body);
	}

	private static byte[] repeat(byte[] bytes, int times) {
		byte[] all = new byte[bytes.length * times];
		for (int i = 0; i < times; i++) {
			System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
		}
		return all;
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

}
