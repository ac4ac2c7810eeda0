package io.herald.transport.websocket;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import io.herald.session.Broker;
import io.herald.session.Session;

/**
 * Bridges spring-websocket to the session core. One instance serves {@code /ws} (native
 * WebSocket, asynchronous writes through the container's {@code RemoteEndpoint.Async},
 * partial messages fed straight to the incremental decoder) and another {@code /sockjs}
 * (SockJS sessions, written by a per-session serial writer on a shared executor).
 */
public final class StompWebSocketHandler implements WebSocketHandler, SubProtocolCapable {

	private static final String CONNECTION = StompWebSocketHandler.class.getName() + ".connection";

	private static final List<String> SUB_PROTOCOLS = List.of("v12.stomp", "v11.stomp", "v10.stomp");

	private final Broker broker;

	private final boolean sockJs;

	private final Executor writers;

	/**
	 * @param writers runs SockJS writes and closes that may block; never a routing thread
	 */
	public StompWebSocketHandler(Broker broker, boolean sockJs, Executor writers) {
		this.broker = broker;
		this.sockJs = sockJs;
		this.writers = writers;
	}

	@Override
	public List<String> getSubProtocols() {
		return SUB_PROTOCOLS;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession webSocket) {
		WebSocketConnection connection;
		if (!this.sockJs && webSocket instanceof NativeWebSocketSession nativeSession
				&& nativeSession.getNativeSession(jakarta.websocket.Session.class) != null) {
			connection = new AsyncWebSocketConnection(webSocket,
					nativeSession.getNativeSession(jakarta.websocket.Session.class), this.writers);
		}
		else {
			connection = new SerialWebSocketConnection(webSocket, this.writers);
		}
		webSocket.getAttributes().put(CONNECTION, connection);
		connection.bind(this.broker.open(connection));
	}

	@Override
	public void handleMessage(WebSocketSession webSocket, WebSocketMessage<?> message) {
		Session session = session(webSocket);
		if (session == null) {
			return;
		}
		if (message instanceof TextMessage text) {
			session.onBytes(ByteBuffer.wrap(text.asBytes()));
		}
		else if (message instanceof BinaryMessage binary) {
			session.onBytes(binary.getPayload());
		}
	}

	@Override
	public void handleTransportError(WebSocketSession webSocket, Throwable exception) {
		WebSocketConnection connection = connection(webSocket);
		if (connection != null) {
			connection.close();
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession webSocket, CloseStatus closeStatus) {
		Session session = session(webSocket);
		if (session != null) {
			session.onTransportClosed();
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return !this.sockJs;
	}

	private static WebSocketConnection connection(WebSocketSession webSocket) {
		return (WebSocketConnection) webSocket.getAttributes().get(CONNECTION);
	}

	private static Session session(WebSocketSession webSocket) {
		WebSocketConnection connection = connection(webSocket);
		return (connection != null) ? connection.session() : null;
	}

}
