package io.herald.transport.sockjs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import io.herald.security.TokenHandshakeInterceptor;
import io.herald.session.CloseReason;
import io.herald.session.OutboundFrame;
import io.herald.session.Session;
import io.herald.session.TransportConnection;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One SockJS client. {@link WebSocketSession#sendMessage} may block, so writes run on the
 * shared writer executor, at most one drain per session at a time, and so does the close,
 * which may wait for a pending write to a client that no longer reads.
 *
 * <p>
 * SockJS carries text only. A MESSAGE whose body is not UTF-8 cannot pass it intact:
 * decoding it as text would change the body under its {@code content-length} and corrupt
 * the client's frame stream, so such frames are not sent to SockJS clients. Over
 * {@code /ws} they go out as binary WebSocket messages.
 */
final class SockJsConnection implements TransportConnection {

	private final WebSocketSession webSocket;

	private final Executor executor;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile Session session;

	SockJsConnection(WebSocketSession webSocket, Executor executor) {
		this.webSocket = webSocket;
		this.executor = executor;
	}

	void bind(Session session) {
		this.session = session;
		if (!session.outbound().isEmpty()) {
			wakeUp();
		}
	}

	Session session() {
		return this.session;
	}

	@Override
	public void wakeUp() {
		if (this.session != null && !this.closed.get() && this.scheduled.compareAndSet(false, true)) {
			this.executor.execute(this::drain);
		}
	}

	private void drain() {
		Session current = this.session;
		try {
			OutboundFrame frame;
			while ((frame = current.outbound().poll()) != null) {
				if (!frame.binary()) {
					this.webSocket
						.sendMessage(new TextMessage(new String(frame.toByteArray(), StandardCharsets.UTF_8)));
				}
			}
			if (current.outbound().isCloseWhenDrained()) {
				close();
			}
		}
		catch (IOException | RuntimeException ex) {
			close();
		}
		finally {
			this.scheduled.set(false);
		}
		if (!current.outbound().isEmpty()) {
			wakeUp();
		}
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		CloseStatus status = closeStatus(this.session);
		this.executor.execute(() -> {
			try {
				this.webSocket.close(status);
			}
			catch (IOException | RuntimeException ex) {
				// the connection is gone either way; the session learns it from
				// afterConnectionClosed
			}
		});
	}

	/**
	 * The close status for why the session ended (RFC 6455, 7.4.1); normal when the
	 * socket is closed for another reason, or the reason has no code to send.
	 */
	static CloseStatus closeStatus(Session session) {
		CloseReason reason = (session != null) ? session.closeReason() : null;
		if (reason == null || reason.webSocketCode() == CloseStatus.NO_STATUS_CODE.getCode()
				|| reason.webSocketCode() == CloseStatus.NO_CLOSE_FRAME.getCode()) {
			return CloseStatus.NORMAL;
		}
		return new CloseStatus(reason.webSocketCode(), reason.tag());
	}

	@Override
	public String kind() {
		return "sockjs";
	}

	@Override
	public String remoteAddress() {
		InetSocketAddress address = this.webSocket.getRemoteAddress();
		return (address != null && address.getAddress() != null) ? address.getAddress().getHostAddress()
				: String.valueOf(address);
	}

	/** The {@code access_token} query parameter of the handshake, for browsers. */
	@Override
	public String handshakeToken() {
		return TokenHandshakeInterceptor.accessToken(this.webSocket.getUri());
	}

}
