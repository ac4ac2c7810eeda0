package io.herald.session;

/**
 * Why a session ended. Every way a session ends goes through one of these: it decides
 * whether the client gets a final ERROR frame, the WebSocket close code the transport
 * sends (RFC 6455, section 7.4.1) and the {@code reason} tag of the
 * {@code herald.sessions.closed} metric.
 *
 * <p>
 * The ERROR's {@code message} header is written where the reason is found (it names the
 * limit, the header or the destination); the reason classifies it.
 */
public enum CloseReason {

	/** A frame broke STOMP: unknown command, missing header, unknown id, ... */
	PROTOCOL_VIOLATION("protocol-violation", 1002, true),

	/** CONNECT with bad or missing credentials. */
	AUTHENTICATION_FAILED("authentication-failed", 1008, true),

	/** The session's token expired and was not refreshed in time. */
	TOKEN_EXPIRED("token-expired", 1008, true),

	/** Nothing received for longer than the agreed heart-beat grace. */
	HEARTBEAT_TIMEOUT("heartbeat-timeout", 1001, true),

	/** The client did not read fast enough and its outbound buffer overflowed. */
	SLOW_CONSUMER("slow-consumer", 1008, true),

	/** The client sent more frames or bytes per second than allowed. */
	RATE_LIMITED("rate-limited", 1008, true),

	/** A SUBSCRIBE or SEND the access policy refuses. */
	ACCESS_DENIED("access-denied", 1008, true),

	/** An inbound frame over the frame-size, header-count or line-length limit. */
	FRAME_TOO_LARGE("frame-too-large", 1009, true),

	/**
	 * A per-session or per-destination bound: subscriptions, unacknowledged messages,
	 * transaction frames, queue length.
	 */
	LIMIT_EXCEEDED("limit-exceeded", 1008, true),

	/** No CONNECT within the connect timeout. */
	CONNECT_TIMEOUT("connect-timeout", 1008, true),

	/** Refused at open: too many connections in total or from the address. */
	CONNECTION_REFUSED("connection-refused", 1008, true),

	/** An operator ended the session. */
	ADMIN_DISCONNECT("admin-disconnect", 1008, true),

	/** The broker stops. */
	SHUTDOWN("shutdown", 1001, true),

	/** A fault of the broker or of a plug-in while handling a frame. */
	INTERNAL_ERROR("internal-error", 1011, true),

	/**
	 * A message the node took for somewhere else (a queue of the cluster, in RabbitMQ)
	 * was not stored there: refused, or not confirmed in time.
	 */
	NOT_STORED("not-stored", 1011, true),

	/** DISCONNECT: the client asked to end the session. */
	CLIENT_DISCONNECT("client-disconnect", 1000, false),

	/** The connection closed under the session (the peer went away, or an I/O error). */
	TRANSPORT_CLOSED("transport-closed", 1006, false);

	private final String tag;

	private final int webSocketCode;

	private final boolean sendsError;

	CloseReason(String tag, int webSocketCode, boolean sendsError) {
		this.tag = tag;
		this.webSocketCode = webSocketCode;
		this.sendsError = sendsError;
	}

	/** The metric tag, e.g. {@code slow-consumer}. */
	public String tag() {
		return this.tag;
	}

	/**
	 * The WebSocket close status a transport sends for this reason; 1006 (never sent on
	 * the wire) for a connection that is already gone.
	 */
	public int webSocketCode() {
		return this.webSocketCode;
	}

	/** Whether the client is told with an ERROR frame before the connection closes. */
	public boolean sendsError() {
		return this.sendsError;
	}

	/**
	 * Whether what is queued for the client is dropped rather than written before the
	 * final frame: it could not read it (slow consumer) or is gone.
	 */
	boolean discardsQueued() {
		return this == SLOW_CONSUMER || this == TRANSPORT_CLOSED;
	}

	/**
	 * Whether the close counts as a protocol error in
	 * {@link BrokerStats#protocolErrors()}: an ERROR for something the client did, beyond
	 * the slow-consumer and connection limits that have counters of their own.
	 */
	boolean isProtocolError() {
		return switch (this) {
			case PROTOCOL_VIOLATION, AUTHENTICATION_FAILED, ACCESS_DENIED, TOKEN_EXPIRED, HEARTBEAT_TIMEOUT,
					RATE_LIMITED, FRAME_TOO_LARGE, LIMIT_EXCEEDED, CONNECT_TIMEOUT, INTERNAL_ERROR ->
				true;
			default -> false;
		};
	}

}
