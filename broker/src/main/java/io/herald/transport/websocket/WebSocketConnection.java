package io.herald.transport.websocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.sockjs.transport.SockJsSession;

import io.herald.security.TokenHandshakeInterceptor;
import io.herald.session.CloseReason;
import io.herald.session.Session;
import io.herald.session.TransportConnection;

/**
 * The shared part of the WebSocket and SockJS connections: binding to the session and an
 * idempotent close that runs off the caller's thread, because a container's close may
 * wait for a pending write to a client that no longer reads.
 */
abstract class WebSocketConnection implements TransportConnection {

	protected final WebSocketSession webSocket;

	protected final Executor executor;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile Session session;

	WebSocketConnection(WebSocketSession webSocket, Executor executor) {
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

	/** Whether writing makes sense: bound to a session and not closed. */
	boolean isWritable() {
		return this.session != null && !this.closed.get();
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
		return (this.webSocket instanceof SockJsSession) ? "sockjs" : "websocket";
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
