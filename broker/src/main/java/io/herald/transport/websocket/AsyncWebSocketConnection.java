package io.herald.transport.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.springframework.web.socket.WebSocketSession;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;

/**
 * Writes a session's outbound frames through the container's asynchronous endpoint, one
 * WebSocket message per STOMP frame, one message in flight at a time (the Jakarta API
 * forbids more). The completion of one write starts the next, so no thread ever waits for
 * a slow client: while it does not read, frames pile up in the bounded
 * {@link io.herald.session.Outbound} until the slow-consumer policy ends the session.
 *
 * <p>
 * Containers may complete a write inline, inside {@code sendText}; the drain loop detects
 * that and iterates instead of recursing, so a long queue cannot overflow the stack.
 */
final class AsyncWebSocketConnection extends WebSocketConnection implements SendHandler {

	/**
	 * Tomcat's bound on blocking sends, which its close handshake uses: a client that
	 * stopped reading must not hold a closing thread for the default 20 s.
	 */
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final long CLOSE_SEND_TIMEOUT_MILLIS = 2_000;

	private final RemoteEndpoint.Async remote;

	private final AtomicBoolean writing = new AtomicBoolean();

	private volatile Thread sendingThread;

	private volatile boolean completedInline;

	AsyncWebSocketConnection(WebSocketSession webSocket, jakarta.websocket.Session nativeSession, Executor executor) {
		super(webSocket, executor);
		this.remote = nativeSession.getAsyncRemote();
		nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, CLOSE_SEND_TIMEOUT_MILLIS);
	}

	@Override
	public void wakeUp() {
		if (isWritable() && this.writing.compareAndSet(false, true)) {
			drain();
		}
	}

	private void drain() {
		Session session = session();
		while (true) {
			OutboundFrame frame = session.outbound().poll();
			if (frame == null) {
				if (session.outbound().isCloseWhenDrained()) {
					close();
				}
				this.writing.set(false);
				if (session.outbound().isEmpty() || !this.writing.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			this.completedInline = false;
			this.sendingThread = Thread.currentThread();
			try {
				send(frame);
			}
			catch (RuntimeException ex) {
				// the container refuses writes on a closing connection
				this.sendingThread = null;
				this.writing.set(false);
				close();
				return;
			}
			this.sendingThread = null;
			if (!this.completedInline) {
				return;
			}
		}
	}

	private void send(OutboundFrame frame) {
		byte[] bytes = frame.toByteArray();
		if (frame.binary()) {
			this.remote.sendBinary(ByteBuffer.wrap(bytes), this);
		}
		else {
			this.remote.sendText(new String(bytes, StandardCharsets.UTF_8), this);
		}
	}

	@Override
	public void onResult(SendResult result) {
		if (!result.isOK()) {
			this.writing.set(false);
			close();
			return;
		}
		if (this.sendingThread == Thread.currentThread()) {
			this.completedInline = true;
			return;
		}
		drain();
	}

}
