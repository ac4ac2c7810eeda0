package io.herald.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.FrameEncoder;
import io.herald.protocol.StompVersion;
import io.herald.session.Session;

/**
 * The test's side of one connection: writes frames to the session and reads, in order,
 * the frames the broker wrote back. Reading is by cursor, so a test states each frame it
 * expects and then that nothing else came.
 */
public final class StompClient {

	private final BrokerHarness harness;

	private final RecordingConnection connection;

	private StompVersion version = StompVersion.V1_2;

	private int cursor;

	StompClient(BrokerHarness harness, RecordingConnection connection) {
		this.harness = harness;
		this.connection = connection;
	}

	public Session session() {
		return this.connection.session();
	}

	public RecordingConnection connection() {
		return this.connection;
	}

	/**
	 * Sends CONNECT with {@code accept-version:1.2} unless the headers name another, and
	 * expects CONNECTED.
	 * @return the CONNECTED frame
	 */
	public Frame connect(String... headers) {
		List<String> all = new ArrayList<>(List.of(headers));
		if (!all.contains("accept-version")) {
			all.add(0, "accept-version");
			all.add(1, "1.2");
		}
		send(Command.CONNECT, all.toArray(String[]::new));
		Frame connected = next(Command.CONNECTED);
		String negotiated = connected.header("version");
		useVersion((negotiated == null) ? StompVersion.V1_0 : StompVersion.valueOf("V" + negotiated.replace('.', '_')));
		return connected;
	}

	/** Encodes and decodes frames as the given version from now on. */
	public void useVersion(StompVersion version) {
		this.version = version;
		this.connection.decodeAs(version);
	}

	/** Sends a frame without a body; headers come as name, value pairs. */
	public StompClient send(Command command, String... headers) {
		return sendFrame(frame(command, null, headers));
	}

	/** Sends a frame with a UTF-8 body. */
	public StompClient sendText(Command command, String body, String... headers) {
		return sendFrame(frame(command, body.getBytes(StandardCharsets.UTF_8), headers));
	}

	public StompClient sendFrame(Frame frame) {
		return sendBytes(FrameEncoder.encode(frame, this.version));
	}

	/** Sends text as it is, e.g. a hand-written frame ({@code "\0"} is NUL). */
	public StompClient sendRaw(String wire) {
		return sendBytes(wire.getBytes(StandardCharsets.UTF_8));
	}

	public StompClient sendBytes(byte[] bytes) {
		this.connection.push(bytes);
		this.harness.runDue();
		return this;
	}

	/** SEND of a text body to a destination, with extra headers. */
	public StompClient publish(String destination, String body, String... headers) {
		List<String> all = new ArrayList<>(List.of("destination", destination));
		all.addAll(List.of(headers));
		return sendText(Command.SEND, body, all.toArray(String[]::new));
	}

	/** SUBSCRIBE with the id and destination, and extra headers. */
	public StompClient subscribe(String id, String destination, String... headers) {
		List<String> all = new ArrayList<>(List.of("id", id, "destination", destination));
		all.addAll(List.of(headers));
		return send(Command.SUBSCRIBE, all.toArray(String[]::new));
	}

	/** The client closed its socket. */
	public void closeSocket() {
		this.connection.clientClose();
		this.harness.runDue();
	}

	public static Frame frame(Command command, byte[] body, String... headers) {
		if (headers.length % 2 != 0) {
			throw new IllegalArgumentException("headers come in name, value pairs");
		}
		Frame.Builder builder = Frame.builder(command);
		for (int i = 0; i < headers.length; i += 2) {
			builder.header(headers[i], headers[i + 1]);
		}
		return builder.body(body).build();
	}

	// ---- reading ----

	/** Whether a frame came that the test has not read yet. */
	public boolean hasNext() {
		return this.cursor < this.connection.received().size();
	}

	/** The next frame the broker wrote; fails when none is waiting. */
	public Frame next() {
		return nextReceived().frame();
	}

	/** The next frame, which must have the given command. */
	public Frame next(Command command) {
		Frame frame = next();
		if (frame.command() != command) {
			throw new AssertionError("expected " + command + " but got " + frame + describeBody(frame));
		}
		return frame;
	}

	public RecordingConnection.Received nextReceived() {
		List<RecordingConnection.Received> received = this.connection.received();
		if (this.cursor >= received.size()) {
			throw new AssertionError(
					"expected another frame, but the broker wrote none (closed: " + this.connection.isClosed() + ")");
		}
		return received.get(this.cursor++);
	}

	/** Every frame not read yet, now marked read. */
	public List<Frame> drain() {
		List<Frame> unread = new ArrayList<>();
		while (hasNext()) {
			unread.add(next());
		}
		return unread;
	}

	/** Fails if the broker wrote anything the test has not read. */
	public void expectNothingMore() {
		if (hasNext()) {
			throw new AssertionError("expected no more frames, but got " + describe(drain()));
		}
	}

	/**
	 * Expects the ERROR that ends a session: next frame, with the connection closed after
	 * it and nothing behind it.
	 * @return the ERROR frame
	 */
	public Frame expectError() {
		Frame error = next(Command.ERROR);
		expectNothingMore();
		if (!this.connection.isClosed()) {
			throw new AssertionError("the connection must close after " + error);
		}
		return error;
	}

	/** Expects a RECEIPT with the given id. */
	public Frame expectReceipt(String receiptId) {
		Frame receipt = next(Command.RECEIPT);
		if (!receiptId.equals(receipt.header("receipt-id"))) {
			throw new AssertionError("expected receipt-id " + receiptId + " but got " + receipt);
		}
		return receipt;
	}

	public boolean isClosed() {
		return this.connection.isClosed();
	}

	public int heartBeats() {
		return this.connection.heartBeats();
	}

	private static String describeBody(Frame frame) {
		return (frame.body().length > 0) ? " with body '" + frame.bodyAsText() + "'" : "";
	}

	private static String describe(List<Frame> frames) {
		return frames.stream().map((frame) -> frame + describeBody(frame)).toList().toString();
	}

}
