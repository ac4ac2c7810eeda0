package io.herald.it.support;

/**
 * The ways a client reaches Herald; conformance tests run each scenario over all of them.
 */
public enum Transport {

	/** STOMP over WebSocket at {@code /ws}. */
	WEBSOCKET,
	/** STOMP over SockJS at {@code /sockjs} (WebSocket transport, text only). */
	SOCKJS,
	/** Raw STOMP over TCP. */
	TCP;

	public StompConnection open(HeraldServer server) {
		return switch (this) {
			case WEBSOCKET -> WebSocketStompConnection.open(server.webSocketUri());
			case SOCKJS -> SockJsStompConnection.open(server.sockJsUrl());
			case TCP -> TcpStompConnection.open(server.tcpPort());
		};
	}

	/** Opens a connection and sends CONNECT (1.2) with the given header pairs. */
	public StompConnection connect(HeraldServer server, String... headerPairs) {
		StompConnection connection = open(server);
		connection.connect(headerPairs);
		return connection;
	}

	/** Whether bodies that are not UTF-8 can travel over this transport. */
	public boolean carriesBinary() {
		return this != SOCKJS;
	}

}
