package io.herald.testclient;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A subscriber that truly stops reading, over STOMP/TCP or STOMP over WebSocket: a plain
 * socket with a small receive buffer that is read only up to the RECEIPT of its
 * SUBSCRIBE, then left alone until {@link #drain} or {@link #readUntil}. Nothing in
 * between reads for it, so the broker sees a consumer whose TCP window is closed.
 */
public final class StalledClient implements AutoCloseable {

	private final Socket socket;

	private final FrameParser parser = new FrameParser();

	private final List<StompFrame> frames = new ArrayList<>();

	/** Takes the WebSocket framing off what the socket gives; null over TCP. */
	private final WebSocketDeframer webSocket;

	private StalledClient(Socket socket, WebSocketDeframer webSocket) {
		this.socket = socket;
		this.webSocket = webSocket;
	}

	/**
	 * Connects over STOMP/TCP, subscribes with a receipt and reads up to that receipt,
	 * then stalls.
	 */
	public static StalledClient subscribe(StompEndpoints server, String destination, String... headerPairs)
			throws IOException {
		Socket socket = open(server.tcpAddress());
		return stallAfterSubscribing(new StalledClient(socket, null), destination, headerPairs);
	}

	/**
	 * The same over STOMP over WebSocket: a handshake on the socket, then masked text
	 * messages for CONNECT and SUBSCRIBE.
	 */
	public static StalledClient subscribeOverWebSocket(StompEndpoints server, String destination, String... headerPairs)
			throws IOException {
		URI uri = server.webSocketUri();
		Socket socket = open(new InetSocketAddress(uri.getHost(), uri.getPort()));
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String key = Base64.getEncoder().encodeToString(nonce);
		String request = "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
				+ "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed during the WebSocket handshake: " + head);
			}
			head.append((char) b);
		}
		if (!head.toString().startsWith("HTTP/1.1 101")) {
			throw new IOException("the WebSocket handshake was refused: " + head);
		}
		return stallAfterSubscribing(new StalledClient(socket, new WebSocketDeframer()), destination, headerPairs);
	}

	private static Socket open(InetSocketAddress address) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(address, 10_000);
		socket.setSoTimeout((int) StompConnection.WAIT.toMillis());
		return socket;
	}

	private void write(StompFrame frame) throws IOException {
		byte[] bytes = frame.encode();
		this.socket.getOutputStream().write((this.webSocket != null) ? WebSocketDeframer.maskedText(bytes) : bytes);
	}

	private static StalledClient stallAfterSubscribing(StalledClient client, String destination, String... headerPairs)
			throws IOException {
		Socket socket = client.socket;
		client.write(StompFrame.create("CONNECT").header("accept-version", "1.2").header("host", "localhost"));
		StompFrame subscribe = StompFrame.create("SUBSCRIBE")
			.header("destination", destination)
			.header("id", "stalled")
			.header("receipt", "stalled-subscribed");
		for (int i = 0; i < headerPairs.length; i += 2) {
			subscribe.header(headerPairs[i], headerPairs[i + 1]);
		}
		client.write(subscribe);
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
			if (this.webSocket == null) {
				this.parser.feed(bytes, 0, count, false, this.frames::add);
				return;
			}
			for (byte[] payload : this.webSocket.feed(bytes, count)) {
				this.parser.feed(payload, 0, payload.length, false, this.frames::add);
			}
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
