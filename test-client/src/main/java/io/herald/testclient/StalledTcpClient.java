package io.herald.testclient;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A STOMP/TCP subscriber that truly stops reading: a plain socket with a small receive
 * buffer that is read only up to the RECEIPT of its SUBSCRIBE, then left alone until
 * {@link #drain}. Nothing in between reads for it, so the broker sees a consumer whose
 * TCP window is closed.
 */
public final class StalledTcpClient implements AutoCloseable {

	private final Socket socket;

	private final FrameParser parser = new FrameParser();

	private final List<StompFrame> frames = new ArrayList<>();

	private StalledTcpClient(Socket socket) {
		this.socket = socket;
	}

	/** Connects, subscribes with a receipt and reads up to that receipt, then stalls. */
	public static StalledTcpClient subscribe(StompEndpoints server, String destination, String... headerPairs)
			throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(server.tcpAddress(), 10_000);
		socket.setSoTimeout((int) StompConnection.WAIT.toMillis());
		StalledTcpClient client = new StalledTcpClient(socket);
		socket.getOutputStream()
			.write(StompFrame.create("CONNECT").header("accept-version", "1.2").header("host", "localhost").encode());
		StompFrame subscribe = StompFrame.create("SUBSCRIBE")
			.header("destination", destination)
			.header("id", "stalled")
			.header("receipt", "stalled-subscribed");
		for (int i = 0; i < headerPairs.length; i += 2) {
			subscribe.header(headerPairs[i], headerPairs[i + 1]);
		}
		socket.getOutputStream().write(subscribe.encode());
		InputStream in = socket.getInputStream();
		while (client.frames.stream().noneMatch((frame) -> frame.command().equals("RECEIPT"))) {
			// one byte at a time: not one byte past the RECEIPT is taken off the socket
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed before the SUBSCRIBE receipt: " + client.frames);
			}
			client.feed(new byte[] { (byte) b }, 1);
		}
		client.frames.clear();
		return client;
	}

	/**
	 * Reads everything left until the broker closes the connection (or it is reset).
	 * @return the frames received since the SUBSCRIBE receipt
	 */
	public List<StompFrame> drain(Duration timeout) throws IOException {
		this.socket.setSoTimeout((int) timeout.toMillis());
		byte[] buffer = new byte[64 * 1024];
		InputStream in = this.socket.getInputStream();
		try {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				feed(buffer, n);
			}
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("the broker did not close the stalled connection within " + timeout
					+ "; frames so far: " + this.frames.size(), ex);
		}
		catch (IOException ex) {
			// connection reset: what arrived before it still counts
		}
		return this.frames;
	}

	/**
	 * Reads again, until the frames received since the SUBSCRIBE receipt satisfy
	 * {@code done}, without waiting for a close.
	 * @return those frames
	 */
	public List<StompFrame> readUntil(java.util.function.Predicate<List<StompFrame>> done, Duration timeout)
			throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		byte[] buffer = new byte[64 * 1024];
		InputStream in = this.socket.getInputStream();
		while (!done.test(this.frames)) {
			long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
			if (System.nanoTime() > deadline) {
				throw new AssertionError("not done within " + timeout + "; " + describe(this.frames));
			}
			this.socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
			int n;
			try {
				n = in.read(buffer);
			}
			catch (SocketTimeoutException ex) {
				continue;
			}
			if (n < 0) {
				throw new AssertionError("the broker closed the connection; " + describe(this.frames));
			}
			feed(buffer, n);
		}
		return this.frames;
	}

	private void feed(byte[] bytes, int count) {
		try {
			this.parser.feed(bytes, 0, count, false, this.frames::add);
		}
		catch (MalformedFrameException ex) {
			throw new AssertionError(
					"the server sent a malformed frame: " + ex.getMessage() + "; " + describe(this.frames), ex);
		}
	}

	/** Describes the last frame for assertion messages. */
	public static String describe(List<StompFrame> frames) {
		if (frames.isEmpty()) {
			return "no frames";
		}
		StompFrame last = frames.get(frames.size() - 1);
		return frames.size() + " frames, last " + last;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
