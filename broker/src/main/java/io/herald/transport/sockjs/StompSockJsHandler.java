package io.herald.transport.sockjs;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;

import io.herald.session.Broker;
import io.herald.session.Session;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Bridges spring-websocket's SockJS service to the session core: each SockJS session gets
 * a {@link SockJsConnection} and a broker session, and every text message goes to the
 * session's byte decoder.
 */
public final class StompSockJsHandler implements WebSocketHandler, SubProtocolCapable {

	private static final String CONNECTION = StompSockJsHandler.class.getName() + ".connection";

	private static final List<String> SUB_PROTOCOLS = List.of("v12.stomp", "v11.stomp", "v10.stomp");

	private final Broker broker;

	private final Executor writers;

	/**
	 * @param writers runs writes and closes, which may block; never a routing thread
	 */
	public StompSockJsHandler(Broker broker, Executor writers) {
		this.broker = broker;
		this.writers = writers;
	}

	@Override
	public List<String> getSubProtocols() {
		return SUB_PROTOCOLS;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession webSocket) {
		SockJsConnection connection = new SockJsConnection(webSocket, this.writers);
		webSocket.getAttributes().put(CONNECTION, connection);
		connection.bind(this.broker.open(connection));
	}

	@Override
	public void handleMessage(WebSocketSession webSocket, WebSocketMessage<?> message) {
		Session session = session(webSocket);
		if (session != null && message instanceof TextMessage text) {
			session.onBytes(ByteBuffer.wrap(text.asBytes()));
		}
	}

	@Override
	public void handleTransportError(WebSocketSession webSocket, Throwable exception) {
		SockJsConnection connection = connection(webSocket);
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
		return false;
	}

	private static SockJsConnection connection(WebSocketSession webSocket) {
		return (SockJsConnection) webSocket.getAttributes().get(CONNECTION);
	}

	private static Session session(WebSocketSession webSocket) {
		SockJsConnection connection = connection(webSocket);
		return (connection != null) ? connection.session() : null;
	}

}
