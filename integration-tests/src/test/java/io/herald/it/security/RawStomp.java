package io.herald.it.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import io.herald.protocol.Frame;
import io.herald.protocol.FrameDecoder;
import io.herald.protocol.FrameDecodingException;
import io.herald.protocol.FrameLimits;

/**
 * A raw STOMP client for the security suite: frames go out exactly as written, frames
 * coming back are decoded with the project's codec and queued. Works over plain or TLS
 * TCP and over WebSocket (java.net.http), so attacks can be replayed byte for byte.
 */
final class RawStomp implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private final FrameDecoder decoder = new FrameDecoder(new FrameLimits(64 * 1024 * 1024, 1024 * 1024, 10_000));

	private Socket socket;

	private OutputStream out;

	private WebSocket webSocket;

	private RawStomp() {
	}

	static RawStomp tcp(Socket socket) throws IOException {
		RawStomp client = new RawStomp();
		client.socket = socket;
		client.out = socket.getOutputStream();
		Thread reader = new Thread(() -> client.readFrom(socket), "raw-stomp-reader");
		reader.setDaemon(true);
		reader.start();
		return client;
	}

	static RawStomp tcp(int port) throws IOException {
		return tcp(new Socket("127.0.0.1", port));
	}

	/**
	 * Opens a WebSocket; fails with the handshake's HTTP status if it is refused.
	 */
	static RawStomp webSocket(URI uri, Map<String, String> headers, SSLContext ssl) {
		RawStomp client = new RawStomp();
		HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(TIMEOUT);
		if (ssl != null) {
			http.sslContext(ssl);
		}
		WebSocket.Builder builder = http.build().newWebSocketBuilder().subprotocols("v12.stomp");
		headers.forEach(builder::header);
		client.webSocket = builder.buildAsync(uri, client.new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
		return client;
	}

	private void readFrom(Socket socket) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = socket.getInputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				decode(ByteBuffer.wrap(buffer, 0, read));
			}
		}
		catch (IOException ex) {
			// closed: the broker reset the connection or the test closed it
		}
		finally {
			this.closed.complete(null);
		}
	}

	private synchronized void decode(ByteBuffer bytes) {
		try {
			this.decoder.decode(bytes, this.frames::add);
		}
		catch (FrameDecodingException ex) {
			throw new IllegalStateException("the broker sent a malformed frame", ex);
		}
	}

	/** Sends bytes exactly as given. */
	void sendRaw(byte[] bytes) {
		try {
			if (this.socket != null) {
				this.out.write(bytes);
				this.out.flush();
			}
			else {
				this.webSocket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException | ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("send failed", ex);
		}
	}

	/**
	 * Sends a frame: a command, {@code name:value} header lines, a body; the NUL is
	 * added.
	 */
	void send(String command, String body, String... headers) {
		StringBuilder frame = new StringBuilder(command).append('\n');
		for (String header : headers) {
			frame.append(header).append('\n');
		}
		frame.append('\n').append(body).append('\0');
		sendRaw(frame.toString().getBytes(StandardCharsets.UTF_8));
	}

	/** CONNECT with the given headers; returns CONNECTED or ERROR. */
	Frame connect(String... headers) {
		String[] all = new String[headers.length + 2];
		all[0] = "accept-version:1.2";
		all[1] = "host:localhost";
		System.arraycopy(headers, 0, all, 2, headers.length);
		send("CONNECT", "", all);
		return next();
	}

	/** The next frame, failing the test if none comes within the timeout. */
	Frame next() {
		Frame frame = poll(TIMEOUT);
		if (frame == null) {
			throw new AssertionError("no frame within " + TIMEOUT + (isClosed() ? " (connection closed)" : ""));
		}
		return frame;
	}

	/** The next frame within the given time, or {@code null}. */
	Frame poll(Duration timeout) {
		try {
			return this.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	boolean isClosed() {
		return this.closed.isDone();
	}

	/** Whether the broker closed the connection within the timeout. */
	boolean awaitClosed() {
		try {
			this.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	@Override
	public void close() {
		try {
			if (this.socket != null) {
				this.socket.close();
			}
			else if (this.webSocket != null) {
				this.webSocket.abort();
			}
		}
		catch (IOException ex) {
			// already gone
		}
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				decode(ByteBuffer.wrap(this.text.toString().getBytes(StandardCharsets.UTF_8)));
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.binary.writeBytes(bytes);
			if (last) {
				decode(ByteBuffer.wrap(this.binary.toByteArray()));
				this.binary.reset();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			RawStomp.this.closed.complete(null);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			RawStomp.this.closed.complete(null);
		}

	}

}
