package io.herald.session;

/**
 * What the session core needs from a transport (WebSocket, SockJS, TCP). The transport
 * owns the socket; it feeds inbound bytes to {@link Session#onBytes} on one thread at a
 * time, and drains {@link Session#outbound()} when woken, never on the caller's thread if
 * writing could block.
 */
public interface TransportConnection {

	/**
	 * The session's outbound buffer has frames to write. Called from any thread, often a
	 * publisher's; must return at once.
	 */
	void wakeUp();

	/**
	 * Closes the connection now. Idempotent; must not block. A transport with close codes
	 * takes them from {@link Session#closeReason()}.
	 */
	void close();

	/**
	 * The transport's kind for operators: {@code websocket}, {@code sockjs}, {@code tcp}.
	 */
	default String kind() {
		return "unknown";
	}

	/** The peer's IP address (no port), for logs and per-address limits. */
	String remoteAddress();

	/**
	 * A credential the transport received before STOMP began, such as the
	 * {@code access_token} query parameter of a WebSocket handshake; {@code null} if
	 * none.
	 */
	default String handshakeToken() {
		return null;
	}

}
