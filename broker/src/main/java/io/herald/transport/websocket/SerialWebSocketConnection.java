package io.herald.transport.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.sockjs.transport.SockJsSession;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;

/**
 * Writes a session's outbound frames with {@link WebSocketSession#sendMessage}, which may
 * block, so it runs on the shared writer executor, at most one drain per session at a
 * time. Used for SockJS sessions and any container without a native asynchronous
 * endpoint.
 *
 * <p>
 * SockJS carries text only. A MESSAGE whose body is not UTF-8 cannot pass it intact:
 * decoding it as text would change the body under its {@code content-length} and corrupt
 * the client's frame stream, so such frames are not sent to SockJS clients. Elsewhere
 * they go out as binary WebSocket messages.
 */
final class SerialWebSocketConnection extends WebSocketConnection {

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final boolean textOnly;

	SerialWebSocketConnection(WebSocketSession webSocket, Executor executor) {
		super(webSocket, executor);
		this.textOnly = webSocket instanceof SockJsSession;
	}

	@Override
	public void wakeUp() {
		if (isWritable() && this.scheduled.compareAndSet(false, true)) {
			this.executor.execute(this::drain);
		}
	}

	private void drain() {
		Session session = session();
		try {
			OutboundFrame frame;
			while ((frame = session.outbound().poll()) != null) {
				if (!frame.binary()) {
					this.webSocket
						.sendMessage(new TextMessage(new String(frame.toByteArray(), StandardCharsets.UTF_8)));
				}
				else if (!this.textOnly) {
					this.webSocket.sendMessage(new BinaryMessage(frame.toByteArray()));
				}
			}
			if (session.outbound().isCloseWhenDrained()) {
				close();
			}
		}
		catch (IOException | RuntimeException ex) {
			close();
		}
		finally {
			this.scheduled.set(false);
		}
		if (!session.outbound().isEmpty()) {
			wakeUp();
		}
	}

}
