package io.herald.bench.targets;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STOMP client over {@link java.net.http.WebSocket} that sends and receives raw frame
 * text, so the smoke tests see exactly what a target puts on the wire.
 */
final class RawStompClient implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final WebSocket webSocket;

	private final BlockingQueue<String> frames;

	private final Collector collector;

	private RawStompClient(WebSocket webSocket, BlockingQueue<String> frames, Collector collector) {
		this.webSocket = webSocket;
		this.frames = frames;
		this.collector = collector;
	}

	static RawStompClient connect(String url) throws Exception {
		BlockingQueue<String> frames = new LinkedBlockingQueue<>();
		Collector collector = new Collector(frames);
		WebSocket webSocket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.subprotocols("v12.stomp", "v11.stomp", "v10.stomp")
			.connectTimeout(TIMEOUT)
			.buildAsync(URI.create(url), collector)
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		return new RawStompClient(webSocket, frames, collector);
	}

	/**
	 * Sends one frame.
	 * @param frame the frame text without the trailing NUL
	 */
	void send(String frame) throws Exception {
		this.webSocket.sendText(frame + "\0", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Waits for the next frame that is not a heart-beat.
	 * @return the frame text, NUL included
	 */
	String receive() throws InterruptedException {
		String frame = this.frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (frame == null) {
			throw new AssertionError("no frame within " + TIMEOUT);
		}
		return frame;
	}

	/**
	 * Waits for the next frame with the given command.
	 * @param command the expected command, e.g. {@code MESSAGE}
	 * @return the frame text
	 */
	String receive(String command) throws InterruptedException {
		String frame = receive();
		if (!frame.startsWith(command + "\n")) {
			throw new AssertionError("expected " + command + " but got: " + frame);
		}
		return frame;
	}

	/**
	 * Returns how many binary WebSocket messages arrived (STOMP is sent as text by every
	 * target when the client sends text).
	 * @return the count of binary messages
	 */
	int binaryMessages() {
		return this.collector.binaryMessages.get();
	}

	@Override
	public void close() {
		this.webSocket.abort();
	}

	private static final class Collector implements WebSocket.Listener {

		private final BlockingQueue<String> frames;

		private final StringBuilder partial = new StringBuilder();

		private final AtomicInteger binaryMessages = new AtomicInteger();

		Collector(BlockingQueue<String> frames) {
			this.frames = frames;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				offer(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			if (last) {
				this.binaryMessages.incrementAndGet();
			}
			this.partial.append(StandardCharsets.UTF_8.decode(data));
			if (last) {
				offer(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		private void offer(String message) {
			String trimmed = message.replaceFirst("^[\r\n]+", "");
			if (!trimmed.isEmpty()) {
				this.frames.add(trimmed);
			}
		}

	}

}
