package io.herald.it.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.herald.it.support.HeraldServer;
import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

	private static HeraldServer broker;

	private static int httpPort;

	private static int tcpPort;

	private static long baselineHeap;

	private RawStomp witnessSubscriber;

	private RawStomp witnessPublisher;

	private int witnessSequence;

	@BeforeAll
	static void startBroker() {
		broker = HeraldServer.start("--herald.limits.max-connections-per-address=" + PER_ADDRESS,
				"--herald.limits.inbound-frames-per-second=200", "--herald.limits.inbound-bytes-per-second=256KB",
				"--herald.limits.max-frame-size=64KB", "--herald.limits.max-headers=16",
				"--herald.limits.max-header-line-size=1KB", "--herald.limits.connect-timeout=1s",
				"--herald.limits.max-subscriptions-per-session=5", "--herald.limits.max-unacked-per-subscription=3",
				"--herald.queues.max-length=5");
		httpPort = broker.httpPort();
		tcpPort = broker.tcpPort();
		baselineHeap = usedHeapAfterGc();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			long grown = usedHeapAfterGc() - baselineHeap;
			broker.close();
			assertThat(grown).as("heap growth over the whole abuse suite, bytes").isLessThan(64L * 1024 * 1024);
		}
	}

	@BeforeEach
	void witnesses() throws IOException {
		this.witnessSubscriber = RawStomp.tcp(tcpPort);
		assertThat(this.witnessSubscriber.connect().command()).isEqualTo(Command.CONNECTED);
		this.witnessSubscriber.send("SUBSCRIBE", "", "id:w", "destination:/topic/witness", "receipt:w");
		assertThat(this.witnessSubscriber.next().command()).isEqualTo(Command.RECEIPT);
		this.witnessPublisher = RawStomp.tcp(tcpPort);
		assertThat(this.witnessPublisher.connect().command()).isEqualTo(Command.CONNECTED);
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
			this.witnessPublisher.send("SEND", "w-" + this.witnessSequence++, "destination:/topic/witness");
		}
		for (int i = 0; i < count; i++) {
			Frame message = this.witnessSubscriber.next();
			assertThat(message.command()).isEqualTo(Command.MESSAGE);
			assertThat(message.bodyAsText()).isEqualTo("w-" + (first + i));
		}
	}

	@Test
	void connectionFloodFromOneAddressIsRefusedOverTheLimit() throws IOException {
		List<RawStomp> flood = new ArrayList<>();
		try {
			Frame refusal = null;
			for (int i = 0; i < PER_ADDRESS + 5 && refusal == null; i++) {
				RawStomp client = RawStomp.tcp(tcpPort);
				flood.add(client);
				Frame answer = connectOrRefusal(client);
				if (answer.command() == Command.ERROR) {
					refusal = answer;
					assertThat(client.awaitClosed()).isTrue();
				}
			}
			assertThat(refusal).as("a refusal within %d connections", PER_ADDRESS + 5).isNotNull();
			assertThat(refusal.header("message")).contains("exceeds the limit of " + PER_ADDRESS);
			assertThat(flood.size()).as("connections before the refusal, besides the 2 witnesses")
				.isLessThanOrEqualTo(PER_ADDRESS - 1);
		}
		finally {
			flood.forEach(RawStomp::close);
		}
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			// room again for several: the flood's places are all given back
			try (RawStomp a = RawStomp.tcp(tcpPort);
					RawStomp b = RawStomp.tcp(tcpPort);
					RawStomp c = RawStomp.tcp(tcpPort)) {
				for (RawStomp again : List.of(a, b, c)) {
					assertThat(again.connect().command()).as("a connection once the flood is gone")
						.isEqualTo(Command.CONNECTED);
				}
			}
		});
	}

	@Test
	void frameFloodOverTheRateLimitEndsTheSession() throws IOException {
		try (RawStomp flooder = RawStomp.tcp(tcpPort)) {
			flooder.connect();
			byte[] frame = "SEND\ndestination:/topic/flood\n\nx\0".getBytes(StandardCharsets.UTF_8);
			byte[] batch = repeat(frame, 100);
			for (int i = 0; i < 50 && !flooder.isClosed(); i++) {
				if (!trySend(flooder, batch)) {
					break;
				}
			}
			Frame error = flooder.next();
			assertThat(error.command()).isEqualTo(Command.ERROR);
			assertThat(error.header("message")).isEqualTo("inbound rate exceeds the limit of 200 frames per second");
			assertThat(flooder.awaitClosed()).isTrue();
		}
	}

	@Test
	void byteFloodOverTheRateLimitEndsTheSession() throws IOException {
		try (RawStomp flooder = RawStomp.tcp(tcpPort)) {
			flooder.connect();
			String body = "b".repeat(60 * 1024);
			for (int i = 0; i < 20 && !flooder.isClosed(); i++) {
				if (!trySend(flooder, ("SEND\ndestination:/topic/flood\n\n" + body + "\0").getBytes())) {
					break;
				}
			}
			Frame error = flooder.next();
			assertThat(error.header("message")).startsWith("inbound rate exceeds the limit of 262144 bytes");
			assertThat(flooder.awaitClosed()).isTrue();
		}
	}

	@Test
	void headerBombIsRefused() throws IOException {
		try (RawStomp bomber = RawStomp.tcp(tcpPort)) {
			bomber.connect();
			String[] headers = new String[1000];
			Arrays.setAll(headers, (i) -> "h" + i + ":" + i);
			String frame = "SEND\ndestination:/topic/x\n" + String.join("\n", headers) + "\n\n\0";
			trySend(bomber, frame.getBytes(StandardCharsets.UTF_8));
			Frame error = bomber.next();
			assertThat(error.command()).isEqualTo(Command.ERROR);
			assertThat(error.header("message")).contains("exceeds the limit of 16");
			assertThat(bomber.awaitClosed()).isTrue();
		}
	}

	@Test
	void overlongHeaderLineIsRefused() throws IOException {
		try (RawStomp client = RawStomp.tcp(tcpPort)) {
			client.connect();
			trySend(client, ("SEND\ndestination:/topic/x\nbig:" + "v".repeat(100_000) + "\n\n\0").getBytes());
			Frame error = client.next();
			assertThat(error.header("message")).isEqualTo("header line exceeds the limit of 1024 bytes");
			assertThat(client.awaitClosed()).isTrue();
		}
	}

	@Test
	void endlessFrameWithoutNulIsCutAtTheFrameLimit() throws IOException {
		try (RawStomp tcp = RawStomp.tcp(tcpPort);
				RawStomp ws = RawStomp.webSocket(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), Map.of(), null)) {
			for (RawStomp client : List.of(tcp, ws)) {
				client.connect();
				trySend(client, "SEND\ndestination:/topic/x\n\n".getBytes());
				byte[] chunk = "e".repeat(16 * 1024).getBytes();
				// 16 MiB offered in all; the broker must stop listening after 64 KiB
				for (int i = 0; i < 1024 && !client.isClosed(); i++) {
					if (!trySend(client, chunk)) {
						break;
					}
				}
				Frame error = client.next();
				assertThat(error.command()).isEqualTo(Command.ERROR);
				assertThat(error.header("message")).isEqualTo("frame exceeds the limit of 65536 bytes");
				assertThat(client.awaitClosed()).isTrue();
			}
		}
	}

	@Test
	void socketThatNeverSendsConnectIsClosed() throws IOException {
		try (RawStomp idle = RawStomp.tcp(tcpPort)) {
			Frame error = idle.next();
			assertThat(error.command()).isEqualTo(Command.ERROR);
			assertThat(error.header("message")).isEqualTo("no CONNECT frame within 1000 ms of opening the connection");
			assertThat(idle.awaitClosed()).isTrue();
		}
	}

	@Test
	void invalidUtf8InAHeaderIsRefused() throws IOException {
		try (RawStomp client = RawStomp.tcp(tcpPort)) {
			client.connect();
			byte[] prefix = "SEND\ndestination:/topic/x\nname:".getBytes();
			byte[] frame = concat(prefix, new byte[] { (byte) 0xC3, 0x28, (byte) 0xFF }, "\n\n\0".getBytes());
			trySend(client, frame);
			Frame error = client.next();
			assertThat(error.command()).isEqualTo(Command.ERROR);
			assertThat(error.header("message")).contains("UTF-8");
			assertThat(client.awaitClosed()).isTrue();
		}
	}

	@Test
	void subscriptionsPerSessionAreBounded() throws IOException {
		try (RawStomp client = RawStomp.tcp(tcpPort)) {
			client.connect();
			for (int i = 0; i < 5; i++) {
				client.send("SUBSCRIBE", "", "id:" + i, "destination:/topic/s" + i, "receipt:r" + i);
				assertThat(client.next().command()).isEqualTo(Command.RECEIPT);
			}
			client.send("SUBSCRIBE", "", "id:5", "destination:/topic/s5", "receipt:r5");
			Frame error = client.next();
			assertThat(error.header("message"))
				.isEqualTo("subscription '5' exceeds the limit of 5 subscriptions per session");
			assertThat(error.header("receipt-id")).isEqualTo("r5");
			assertThat(client.awaitClosed()).isTrue();
		}
	}

	@Test
	void unackedMessagesPerTopicSubscriptionAreBounded() throws IOException {
		try (RawStomp hoarder = RawStomp.tcp(tcpPort); RawStomp publisher = RawStomp.tcp(tcpPort)) {
			hoarder.connect();
			hoarder.send("SUBSCRIBE", "", "id:h", "destination:/topic/hoard", "ack:client-individual", "receipt:s");
			assertThat(hoarder.next().command()).isEqualTo(Command.RECEIPT);
			publisher.connect();
			for (int i = 0; i < 4; i++) {
				publisher.send("SEND", "m" + i, "destination:/topic/hoard");
			}
			Frame last = null;
			for (int i = 0; i < 4 && !Command.ERROR.equals(last == null ? null : last.command()); i++) {
				last = hoarder.next();
			}
			assertThat(last.command()).isEqualTo(Command.ERROR);
			assertThat(last.header("message")).contains("exceeds the limit of 3");
			assertThat(hoarder.awaitClosed()).isTrue();
		}
	}

	@Test
	void queueLengthIsBoundedPerDestination() throws IOException {
		try (RawStomp producer = RawStomp.tcp(tcpPort)) {
			producer.connect();
			for (int i = 0; i < 5; i++) {
				producer.send("SEND", "job" + i, "destination:/queue/bounded", "receipt:j" + i);
				assertThat(producer.next().command()).isEqualTo(Command.RECEIPT);
			}
			producer.send("SEND", "job5", "destination:/queue/bounded", "receipt:j5");
			Frame error = producer.next();
			assertThat(error.command()).isEqualTo(Command.ERROR);
			assertThat(error.header("message")).contains("/queue/bounded").contains("5");
			assertThat(error.header("receipt-id")).isEqualTo("j5");
		}
		try (RawStomp consumer = RawStomp.tcp(tcpPort)) {
			consumer.connect();
			consumer.send("SUBSCRIBE", "", "id:q", "destination:/queue/bounded");
			for (int i = 0; i < 5; i++) {
				assertThat(consumer.next().bodyAsText()).as("the buffered jobs survive the refusal")
					.isEqualTo("job" + i);
			}
		}
	}

	/**
	 * CONNECT, or the refusal the broker sent on open: it may close the socket before the
	 * CONNECT is written, and the ERROR is then already queued.
	 */
	private static Frame connectOrRefusal(RawStomp client) {
		try {
			return client.connect();
		}
		catch (UncheckedIOException ex) {
			return client.next();
		}
	}

	/** Sends unless the broker already closed the connection; reports whether it did. */
	private static boolean trySend(RawStomp client, byte[] bytes) {
		try {
			client.sendRaw(bytes);
			return true;
		}
		catch (UncheckedIOException | IllegalStateException ex) {
			return false;
		}
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
