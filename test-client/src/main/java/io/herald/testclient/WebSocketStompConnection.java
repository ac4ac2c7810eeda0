package io.herald.testclient;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

/**
 * STOMP over WebSocket with the JDK's {@code java.net.http} client. Each WebSocket
 * message is fed to the parser whole, remembering whether it was a binary one.
 * <p>
 * {@link #to(URI)} opens with handshake headers (an {@code Origin}), TLS trust or other
 * sub-protocols than the default {@code v12.stomp, v11.stomp, v10.stomp}. A refused
 * handshake fails {@link Handshake#open()} with an {@link IllegalStateException} whose
 * cause is the JDK's {@link java.net.http.WebSocketHandshakeException}, which carries the
 * HTTP response.
 */
public final class WebSocketStompConnection extends StompConnection {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

	private final WebSocket webSocket;

	private final Listener listener;

	private volatile String closeStatus;

	private WebSocketStompConnection(Handshake handshake, Listener listener) throws Exception {
		super("ws:" + handshake.uri.getPort());
		listener.connection = this;
		this.listener = listener;
		HttpClient http = (handshake.tls != null)
				? HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(handshake.tls).build() : HTTP;
		WebSocket.Builder builder = http.newWebSocketBuilder()
			.subprotocols(handshake.subProtocols[0],
					Arrays.copyOfRange(handshake.subProtocols, 1, handshake.subProtocols.length))
			.connectTimeout(CONNECT_TIMEOUT);
		handshake.headers.forEach(builder::header);
		this.webSocket = builder.buildAsync(handshake.uri, listener).get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * The server's close frame as {@code "CODE REASON"}, e.g.
	 * {@code "1002 protocol-violation"}; {@code null} until one arrived.
	 */
	public String closeStatus() {
		return this.closeStatus;
	}

	/** A handshake to set up before it is opened. */
	public static Handshake to(URI uri) {
		return new Handshake(uri);
	}

	static WebSocketStompConnection open(URI uri) {
		return to(uri).open();
	}

	static WebSocketStompConnection open(URI uri, String... subProtocols) {
		return to(uri).subProtocols(subProtocols).open();
	}

	@Override
	public String subProtocol() {
		return this.webSocket.getSubprotocol();
	}

	@Override
	protected synchronized void write(byte[] bytes, boolean binary) throws Exception {
		if (binary) {
			this.webSocket.sendBinary(ByteBuffer.wrap(bytes), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		else {
			this.webSocket.sendText(new String(bytes, StandardCharsets.UTF_8), true)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
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

	/**
	 * The WebSocket upgrade request: where, which sub-protocols, which headers and which
	 * TLS trust.
	 */
	public static final class Handshake {

		private final URI uri;

		private String[] subProtocols = { "v12.stomp", "v11.stomp", "v10.stomp" };

		private final Map<String, String> headers = new LinkedHashMap<>();

		private SSLContext tls;

		private Handshake(URI uri) {
			this.uri = uri;
		}

		/** The sub-protocols to offer, in order of preference. */
		public Handshake subProtocols(String... subProtocols) {
			if (subProtocols.length == 0) {
				throw new IllegalArgumentException("subProtocols: at least one");
			}
			this.subProtocols = subProtocols.clone();
			return this;
		}

		/** A header of the upgrade request, e.g. {@code Origin}. */
		public Handshake header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		/** The TLS context for a {@code wss:} URI (its trust store decides). */
		public Handshake tls(SSLContext context) {
			this.tls = context;
			return this;
		}

		/** Opens the WebSocket, waiting for the upgrade. */
		public WebSocketStompConnection open() {
			try {
				return new WebSocketStompConnection(this, new Listener());
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("cannot open WebSocket " + this.uri, ex.getCause());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted opening WebSocket " + this.uri, ex);
			}
			catch (Exception ex) {
				throw new IllegalStateException("cannot open WebSocket " + this.uri, ex);
			}
		}

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
			owner().closeStatus = statusCode + " " + reason;
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
