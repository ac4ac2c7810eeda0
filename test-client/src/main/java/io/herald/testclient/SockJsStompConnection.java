package io.herald.testclient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.sockjs.client.SockJsClient;
import org.springframework.web.socket.sockjs.client.WebSocketTransport;

/**
 * STOMP over SockJS with Spring's {@link SockJsClient} (WebSocket transport). SockJS
 * carries text only, so bytes that are not UTF-8 cannot be sent.
 */
final class SockJsStompConnection extends StompConnection {

	private static final SockJsClient CLIENT = new SockJsClient(
			List.of(new WebSocketTransport(new StandardWebSocketClient(container()))));

	private final WebSocketSession session;

	private SockJsStompConnection(URI url, Handler handler) throws Exception {
		super("sockjs:" + url);
		handler.connection = this;
		this.session = CLIENT.execute(handler, new WebSocketHttpHeaders(), url).get(15, TimeUnit.SECONDS);
	}

	static SockJsStompConnection open(URI url) {
		try {
			return new SockJsStompConnection(url, new Handler());
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot open SockJS session " + url, ex);
		}
	}

	static WebSocketContainer container() {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(8 * 1024 * 1024);
		container.setDefaultMaxBinaryMessageBufferSize(8 * 1024 * 1024);
		return container;
	}

	@Override
	protected synchronized void write(byte[] bytes, boolean binary) throws Exception {
		if (binary) {
			throw new UnsupportedOperationException("SockJS carries text only");
		}
		this.session.sendMessage(new TextMessage(new String(bytes, StandardCharsets.UTF_8)));
	}

	@Override
	public boolean carriesBinary() {
		return false;
	}

	@Override
	public void close() {
		try {
			this.session.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
		closed();
	}

	private static final class Handler extends TextWebSocketHandler {

		private volatile SockJsStompConnection connection;

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			byte[] bytes = message.getPayload().getBytes(StandardCharsets.UTF_8);
			this.connection.received(bytes, 0, bytes.length, false);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.connection.closed();
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			this.connection.closed();
		}

	}

}
