package io.herald.testclient;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * STOMP over WebSocket with the JDK's {@code java.net.http} client, sub-protocols
 * {@code v12.stomp, v11.stomp, v10.stomp}. Each WebSocket message is fed to the parser
 * whole, remembering whether it was a binary one.
 */
final class WebSocketStompConnection extends StompConnection {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final WebSocket webSocket;

	private final Listener listener;

	private WebSocketStompConnection(URI uri, Listener listener, String... subProtocols) throws Exception {
		super("ws:" + uri.getPort());
		listener.connection = this;
		this.listener = listener;
		this.webSocket = HTTP.newWebSocketBuilder()
			.subprotocols(subProtocols[0], java.util.Arrays.copyOfRange(subProtocols, 1, subProtocols.length))
			.connectTimeout(Duration.ofSeconds(10))
			.buildAsync(uri, listener)
			.get(15, TimeUnit.SECONDS);
	}

	static WebSocketStompConnection open(URI uri) {
		return open(uri, "v12.stomp", "v11.stomp", "v10.stomp");
	}

	static WebSocketStompConnection open(URI uri, String... subProtocols) {
		try {
			return new WebSocketStompConnection(uri, new Listener(), subProtocols);
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot open WebSocket " + uri, ex);
		}
	}

	@Override
	public String subProtocol() {
		return this.webSocket.getSubprotocol();
	}

	@Override
	protected synchronized void write(byte[] bytes, boolean binary) throws Exception {
		if (binary) {
			this.webSocket.sendBinary(ByteBuffer.wrap(bytes), true).get(15, TimeUnit.SECONDS);
		}
		else {
			this.webSocket.sendText(new String(bytes, StandardCharsets.UTF_8), true).get(15, TimeUnit.SECONDS);
		}
	}

	@Override
	public boolean carriesBinary() {
		return true;
	}

	/**
	 * Stops asking for messages: the JDK client then stops reading from the socket, so
	 * the broker sees a WebSocket client whose TCP window closes.
	 */
	@Override
	public void pauseReading() {
		this.listener.paused = true;
	}

	@Override
	public void resumeReading() {
		if (this.listener.paused) {
			this.listener.paused = false;
			this.webSocket.request(1);
		}
	}

	@Override
	public void close() {
		this.webSocket.abort();
		closed();
	}

	private static final class Listener implements WebSocket.Listener {

		private volatile WebSocketStompConnection connection;

		private volatile boolean paused;

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				byte[] bytes = this.text.toString().getBytes(StandardCharsets.UTF_8);
				this.text.setLength(0);
				owner().received(bytes, 0, bytes.length, false);
			}
			if (!this.paused) {
				webSocket.request(1);
			}
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] chunk = new byte[data.remaining()];
			data.get(chunk);
			this.binary.writeBytes(chunk);
			if (last) {
				byte[] bytes = this.binary.toByteArray();
				this.binary.reset();
				owner().received(bytes, 0, bytes.length, true);
			}
			if (!this.paused) {
				webSocket.request(1);
			}
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			owner().closed();
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			owner().closed();
		}

		private WebSocketStompConnection owner() {
			// the builder may deliver before the constructor has stored itself
			while (this.connection == null) {
				Thread.onSpinWait();
			}
			return this.connection;
		}

	}

}
