package io.herald.testclient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client connection speaking raw STOMP frames over some transport. Subclasses only
 * move bytes ({@link #write}, {@link #close}) and report what arrives ({@link #received},
 * {@link #closed()}); frames are parsed here, and every wait is bounded.
 * <p>
 * Opened with {@link Transport#open} (or {@link Transport#connect}, which also sends
 * CONNECT), {@link TcpStompConnection#over} for a socket the test made itself, or
 * {@link WebSocketStompConnection#to} for a handshake with headers or TLS. Frames are
 * built with {@link StompFrame#create} and sent encoded by the client, or sent as raw
 * bytes; what comes back is a {@link StompFrame} or a failed assertion, never a silently
 * misread frame.
 */
public abstract class StompConnection implements AutoCloseable {

	/** Bound for one expected frame on a loaded machine. */
	public static final Duration WAIT = Duration.ofSeconds(15);

	/** Bound for waits that cover many messages or large bodies. */
	public static final Duration LONG_WAIT = Duration.ofSeconds(60);

	private static final StompFrame CLOSED = StompFrame.create("<closed>");

	private static final StompFrame MALFORMED = StompFrame.create("<malformed>");

	private final FrameParser parser = new FrameParser();

	private volatile MalformedFrameException malformed;

	private final BlockingQueue<StompFrame> inbox = new LinkedBlockingQueue<>();

	private final Deque<StompFrame> stash = new ArrayDeque<>();

	private final CountDownLatch closedLatch = new CountDownLatch(1);

	private final AtomicInteger receiptIds = new AtomicInteger();

	private final String name;

	protected StompConnection(String name) {
		this.name = name;
	}

	// ---- transport side ----

	/** Writes bytes as one transport message (one WebSocket message, one TCP write). */
	protected abstract void write(byte[] bytes, boolean binary) throws Exception;

	/** Closes the connection from the client side. */
	@Override
	public abstract void close();

	/** Stops reading from the network (where the transport lets a client do that). */
	public void pauseReading() {
		throw new UnsupportedOperationException(this.name + " cannot stop reading");
	}

	/** Reads again after {@link #pauseReading()}. */
	public void resumeReading() {
		throw new UnsupportedOperationException(this.name + " cannot stop reading");
	}

	/**
	 * The WebSocket sub-protocol the server selected, {@code null} where there is none.
	 */
	public String subProtocol() {
		return null;
	}

	/** Whether the transport can carry bytes that are not UTF-8 text. */
	public abstract boolean carriesBinary();

	/**
	 * Called by the transport's reader for every chunk received. A malformed frame is
	 * kept for the next wait to fail with, and nothing after it is read.
	 */
	protected final synchronized void received(byte[] bytes, int offset, int count, boolean binary) {
		if (this.malformed != null) {
			return;
		}
		try {
			this.parser.feed(bytes, offset, count, binary, this.inbox::add);
		}
		catch (MalformedFrameException ex) {
			this.malformed = ex;
			this.inbox.add(MALFORMED);
		}
	}

	/** Called by the transport when the connection is closed by either side. */
	protected final void closed() {
		if (this.closedLatch.getCount() > 0) {
			this.closedLatch.countDown();
			this.inbox.add(CLOSED);
		}
	}

	// ---- sending ----

	public void send(StompFrame frame) {
		sendRaw(frame.encode(), false);
	}

	/** Sends a frame encoded with STOMP 1.0 rules (no header escaping). */
	public void sendUnescaped(StompFrame frame) {
		sendRaw(frame.encode(false), false);
	}

	public void sendRaw(String text) {
		sendRaw(text.getBytes(StandardCharsets.UTF_8), false);
	}

	/**
	 * Sends bytes as they are; {@code binary} asks for a binary WebSocket message where
	 * the transport has them.
	 */
	public void sendRaw(byte[] bytes, boolean binary) {
		try {
			write(bytes, binary);
		}
		catch (Exception ex) {
			throw new IllegalStateException(this.name + ": write failed", ex);
		}
	}

	// ---- receiving ----

	/** The next frame (heart-beats are not frames), failing after {@link #WAIT}. */
	public StompFrame receive() {
		return receive(WAIT);
	}

	public StompFrame receive(Duration timeout) {
		StompFrame frame = poll(timeout);
		if (frame == null) {
			throw new AssertionError(this.name
					+ (isClosed() ? ": connection closed while waiting for a frame" : ": no frame within " + timeout));
		}
		return frame;
	}

	/**
	 * The next frame, or {@code null} when none arrives in time or the connection closed;
	 * fails if the server sent bytes that are not a frame.
	 */
	public StompFrame poll(Duration timeout) {
		synchronized (this.stash) {
			if (!this.stash.isEmpty()) {
				return this.stash.pollFirst();
			}
		}
		try {
			StompFrame frame = this.inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (frame == CLOSED || frame == MALFORMED) {
				// every later wait ends the same way
				this.inbox.add(frame);
				if (this.malformed != null) {
					throw new AssertionError(
							this.name + ": the server sent a malformed frame: " + this.malformed.getMessage(),
							this.malformed);
				}
			}
			return (frame == CLOSED) ? null : frame;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(this.name + ": interrupted", ex);
		}
	}

	/** The next frame, asserting its command. */
	public StompFrame receive(String command) {
		StompFrame frame = receive();
		assertThat(frame.command()).as("%s: command of %s", this.name, frame).isEqualTo(command);
		return frame;
	}

	/**
	 * Waits for the RECEIPT with this id; frames that arrive before it are kept for later
	 * {@link #receive()} calls.
	 */
	public StompFrame awaitReceipt(String receiptId) {
		return awaitReceipt(receiptId, WAIT);
	}

	public StompFrame awaitReceipt(String receiptId, Duration timeout) {
		List<StompFrame> skipped = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				long left = deadline - System.nanoTime();
				StompFrame frame = poll(Duration.ofNanos(Math.max(left, 0)));
				if (frame == null) {
					throw new AssertionError(this.name + ": no RECEIPT " + receiptId + " within " + timeout
							+ (isClosed() ? " (connection closed)" : "") + "; other frames: " + skipped);
				}
				if (frame.command().equals("ERROR")) {
					throw new AssertionError(this.name + ": ERROR instead of RECEIPT " + receiptId + ": " + frame);
				}
				if (frame.command().equals("RECEIPT") && receiptId.equals(frame.header("receipt-id"))) {
					return frame;
				}
				skipped.add(frame);
			}
		}
		finally {
			synchronized (this.stash) {
				for (int i = skipped.size() - 1; i >= 0; i--) {
					this.stash.addFirst(skipped.get(i));
				}
			}
		}
	}

	/** Expects the ERROR frame that ends the connection, then the close. */
	public StompFrame expectErrorAndClose() {
		StompFrame frame = receive();
		assertThat(frame.command()).as("%s: expected ERROR, got %s", this.name, frame).isEqualTo("ERROR");
		assertThat(frame.header("message")).as("ERROR message header").isNotBlank();
		awaitClosed();
		return frame;
	}

	/** Asserts the connection gets closed within {@link #WAIT}. */
	public void awaitClosed() {
		awaitClosed(WAIT);
	}

	public void awaitClosed(Duration timeout) {
		try {
			assertThat(this.closedLatch.await(timeout.toMillis(), TimeUnit.MILLISECONDS))
				.as("%s closed within %s", this.name, timeout)
				.isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	public boolean isClosed() {
		return this.closedLatch.getCount() == 0;
	}

	/** End-of-line heart-beats received so far. */
	public synchronized int heartBeats() {
		return this.parser.heartBeats();
	}

	// ---- STOMP conveniences ----

	/**
	 * CONNECT with {@code accept-version:1.2} plus the given header pairs; answers
	 * CONNECTED.
	 */
	public StompFrame connect(String... headerPairs) {
		sendConnect(headerPairs);
		return receive("CONNECTED");
	}

	/**
	 * CONNECT as {@link #connect} does, answering the frame that comes back whatever it
	 * is: CONNECTED, or the ERROR of a refused login.
	 */
	public StompFrame attemptConnect(String... headerPairs) {
		sendConnect(headerPairs);
		return receive();
	}

	private void sendConnect(String... headerPairs) {
		StompFrame connect = StompFrame.create("CONNECT").header("accept-version", "1.2").header("host", "localhost");
		send(withHeaders(connect, headerPairs));
	}

	private static StompFrame withHeaders(StompFrame frame, String... headerPairs) {
		if (headerPairs.length % 2 != 0) {
			throw new IllegalArgumentException("headerPairs: name, value, ... (odd count " + headerPairs.length + ")");
		}
		for (int i = 0; i < headerPairs.length; i += 2) {
			frame.header(headerPairs[i], headerPairs[i + 1]);
		}
		return frame;
	}

	public String nextReceiptId() {
		return "r-" + this.receiptIds.incrementAndGet();
	}

	/**
	 * SUBSCRIBE with a receipt, waiting for it; header pairs are added (e.g. ack).
	 * @return the RECEIPT
	 */
	public StompFrame subscribe(String destination, String id, String... headerPairs) {
		StompFrame subscribe = StompFrame.create("SUBSCRIBE").header("destination", destination).header("id", id);
		return sendWithReceipt(withHeaders(subscribe, headerPairs));
	}

	/**
	 * UNSUBSCRIBE with a receipt, waiting for it.
	 * @return the RECEIPT
	 */
	public StompFrame unsubscribe(String id) {
		return sendWithReceipt(StompFrame.create("UNSUBSCRIBE").header("id", id));
	}

	/** SEND without receipt. */
	public void publish(String destination, String body) {
		send(StompFrame.create("SEND").header("destination", destination).body(body));
	}

	/** Adds a receipt header, sends and waits for the RECEIPT. */
	public StompFrame sendWithReceipt(StompFrame frame) {
		String receipt = nextReceiptId();
		send(frame.header("receipt", receipt));
		return awaitReceipt(receipt);
	}

	/** DISCONNECT with a receipt; waits for the RECEIPT and the close. */
	public void disconnect() {
		String receipt = nextReceiptId();
		send(StompFrame.create("DISCONNECT").header("receipt", receipt));
		awaitReceipt(receipt);
		awaitClosed();
	}

	/** The next {@code count} frames, each asserted to be a MESSAGE. */
	public List<StompFrame> receiveMessages(int count, Duration timeout) {
		List<StompFrame> messages = new ArrayList<>(count);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (messages.size() < count) {
			long left = deadline - System.nanoTime();
			StompFrame frame = poll(Duration.ofNanos(Math.max(left, 0)));
			if (frame == null) {
				throw new AssertionError(this.name + ": got " + messages.size() + " of " + count + " messages within "
						+ timeout + (isClosed() ? " (connection closed)" : ""));
			}
			assertThat(frame.command()).as("%s: frame %d of %d: %s", this.name, messages.size(), count, frame)
				.isEqualTo("MESSAGE");
			messages.add(frame);
		}
		return messages;
	}

	/**
	 * Asserts that no frame arrives for a while (used after a receipt fenced the sender).
	 */
	public void expectNoFrame(Duration quietPeriod) {
		StompFrame frame = poll(quietPeriod);
		assertThat(frame).as("%s: unexpected frame", this.name).isNull();
	}

	@Override
	public String toString() {
		return this.name;
	}

}
