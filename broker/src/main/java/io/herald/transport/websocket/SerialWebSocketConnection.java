package io.herald.transport.websocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;

/**
 * Writes a session's outbound frames with {@link WebSocketSession#sendMessage}, which may
 * block, so it runs on the shared writer executor, at most one drain per session at a
 * time. Used for SockJS sessions (which carry text only: bodies that are not UTF-8 cannot
 * pass SockJS) and any container without a native asynchronous endpoint.
 */
final class SerialWebSocketConnection extends WebSocketConnection {

	private final AtomicBoolean scheduled = new AtomicBoolean();

	SerialWebSocketConnection(WebSocketSession webSocket, Executor executor) {
		super(webSocket, executor);
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
				this.webSocket.sendMessage(new TextMessage(new String(frame.toByteArray(), StandardCharsets.UTF_8)));
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
