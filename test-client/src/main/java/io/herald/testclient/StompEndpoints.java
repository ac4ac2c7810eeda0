package io.herald.testclient;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Where a STOMP broker listens, one address per {@link Transport}. A test's broker
 * fixture implements this so that {@code transport.connect(server)} reads the same
 * whatever started the broker.
 */
public interface StompEndpoints {

	/** Raw STOMP over TCP. */
	InetSocketAddress tcpAddress();

	/** STOMP over WebSocket, e.g. {@code ws://127.0.0.1:8080/ws}. */
	URI webSocketUri();

	/** The SockJS endpoint, e.g. {@code http://127.0.0.1:8080/sockjs}. */
	URI sockJsUri();

}
