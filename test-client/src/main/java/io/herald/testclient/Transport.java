package io.herald.testclient;

/**
 * The ways a client reaches a broker; conformance tests run each scenario over all of
 * them.
 */
public enum Transport {

	/** STOMP over WebSocket at {@link StompEndpoints#webSocketUri()}. */
	WEBSOCKET,
	/**
	 * STOMP over SockJS at {@link StompEndpoints#sockJsUri()} (WebSocket transport, text
	 * only), with Spring's {@code SockJsClient}: spring-websocket, a JSR-356 client and
	 * Jackson must be on the test classpath (optional dependencies of this module).
	 */
	SOCKJS,
	/** Raw STOMP over TCP. */
	TCP;

	public StompConnection open(StompEndpoints server) {
		return switch (this) {
			case WEBSOCKET -> WebSocketStompConnection.open(server.webSocketUri());
			case SOCKJS -> SockJsStompConnection.open(server.sockJsUri());
			case TCP -> TcpStompConnection.open(server.tcpAddress());
		};
	}

	/**
	 * Opens a WebSocket connection offering only the given sub-protocols.
	 */
	public static StompConnection webSocket(StompEndpoints server, String... subProtocols) {
		return WebSocketStompConnection.open(server.webSocketUri(), subProtocols);
	}

	/** Opens a connection and sends CONNECT (1.2) with the given header pairs. */
	public StompConnection connect(StompEndpoints server, String... headerPairs) {
		StompConnection connection = open(server);
		connection.connect(headerPairs);
		return connection;
	}

	/** Whether bodies that are not UTF-8 can travel over this transport. */
	public boolean carriesBinary() {
		return this != SOCKJS;
	}

}
