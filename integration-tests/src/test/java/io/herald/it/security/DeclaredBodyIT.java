package io.herald.it.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression for issue 9, item 2: sessions that announce a large {@code content-length}
 * and never send the body. The decoder used to allocate each declared body up front, so
 * 350 such sessions filled a 512 MB heap (OutOfMemoryError, sessions closed without an
 * ERROR). Now a body's memory follows the bytes that arrive: the broker holds their
 * headers only, and everyone else is served as before.
 */
class DeclaredBodyIT {

	private static final int SESSIONS = 300;

	/** Near the default 2 MiB frame limit, as in the report. */
	private static final int DECLARED = 1_900_000;

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs();

	private int sequence;

	@Test
	void declaredButUnsentBodiesDoNotExhaustTheHeap() throws Exception {
		List<Socket> announcers = new ArrayList<>();
		try (StompConnection subscriber = Transport.TCP.connect(broker);
				StompConnection publisher = Transport.TCP.connect(broker)) {
			subscriber.subscribe("/topic/witness", "w");
			witnessTraffic(publisher, subscriber, 20);
			long baseline = usedHeapAfterGc();

			for (int i = 0; i < SESSIONS; i++) {
				announcers.add(announceBodyAndStall(i));
				if (i % 30 == 29) {
					witnessTraffic(publisher, subscriber, 10);
				}
			}
			witnessTraffic(publisher, subscriber, 50);
			long grown = usedHeapAfterGc() - baseline;

			long declared = (long) SESSIONS * DECLARED;
			System.out.printf("%d sessions declared %d MB of bodies in all; broker heap grew %.1f MB (%d bytes)%n",
					SESSIONS, declared >> 20, grown / 1048576.0, grown);
			assertThat(grown).as("heap growth with %d declared bodies of %d bytes unsent", SESSIONS, DECLARED)
				.isLessThan(declared / 20);
			assertThat(announcers).as("announcers still connected, with no ERROR")
				.allSatisfy((socket) -> assertThat(isOpenAndSilent(socket)).isTrue());

			// an announced body that does arrive completes the frame
			Socket late = announcers.get(0);
			OutputStream out = late.getOutputStream();
			out.write(new byte[DECLARED]);
			out.write(0);
			out.flush();
			assertThat(readFrame(late.getInputStream())).startsWith("RECEIPT\nreceipt-id:announced-0\n");
		}
		finally {
			for (Socket socket : announcers) {
				socket.close();
			}
		}
		try (StompConnection fresh = Transport.TCP.connect(broker)) {
			assertThat(fresh
				.sendWithReceipt(StompFrame.create("SEND").header("destination", "/topic/witness").body("after"))
				.command()).as("the server still answers").isEqualTo("RECEIPT");
		}
	}

	/**
	 * A plain socket (no reader thread, no buffer in this JVM, whose heap is the
	 * broker's): CONNECT, wait for CONNECTED, then only the headers of a SEND whose body
	 * never follows.
	 */
	private static Socket announceBodyAndStall(int index) throws IOException {
		Socket socket = new Socket();
		socket.connect(broker.tcpAddress(), 10_000);
		socket.setSoTimeout((int) StompConnection.WAIT.toMillis());
		OutputStream out = socket.getOutputStream();
		out.write(StompFrame.create("CONNECT")
			.header("accept-version", "1.2")
			.header("host", "localhost")
			.header("heart-beat", "0,0")
			.encode());
		out.flush();
		assertThat(readFrame(socket.getInputStream())).startsWith("CONNECTED\n");
		out.write(("SEND\ndestination:/topic/announced\nreceipt:announced-" + index + "\ncontent-length:" + DECLARED
				+ "\n\n")
			.getBytes(StandardCharsets.UTF_8));
		out.flush();
		return socket;
	}

	private void witnessTraffic(StompConnection publisher, StompConnection subscriber, int count) {
		int first = this.sequence;
		for (int i = 0; i < count; i++) {
			publisher.publish("/topic/witness", "w-" + this.sequence++);
		}
		for (int i = 0; i < count; i++) {
			StompFrame message = subscriber.receive();
			assertThat(message.command()).isEqualTo("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("w-" + (first + i));
		}
	}

	/** The text of one frame up to its NUL, skipping heart-beats before it. */
	private static String readFrame(InputStream in) throws IOException {
		StringBuilder frame = new StringBuilder();
		for (int b = in.read(); b != 0; b = in.read()) {
			if (b < 0) {
				throw new IOException("closed by the broker after '" + frame + "'");
			}
			if (!frame.isEmpty() || (b != '\n' && b != '\r')) {
				frame.append((char) b);
			}
		}
		return frame.toString();
	}

	/** Open and silent: no ERROR, no close, nothing to read within a millisecond. */
	private static boolean isOpenAndSilent(Socket socket) {
		try {
			socket.setSoTimeout(1);
			socket.getInputStream().read();
			return false;
		}
		catch (SocketTimeoutException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
		finally {
			try {
				socket.setSoTimeout((int) StompConnection.WAIT.toMillis());
			}
			catch (IOException ex) {
				// closed: the check has failed already
			}
		}
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
