package io.herald.session;

import java.time.Instant;

/**
 * A read-only snapshot of one session, for operators.
 *
 * @param id the session id (the CONNECTED {@code session} header)
 * @param user the session's user ({@code anonymous-ID} when anonymous), {@code null}
 * before CONNECT
 * @param remoteAddress the client's IP address
 * @param transport the transport kind: {@code websocket}, {@code sockjs} or {@code tcp}
 * @param version the negotiated STOMP version, {@code null} before CONNECT
 * @param openedAt when the connection opened
 * @param subscriptions subscriptions held
 * @param outboundBytes bytes queued for the client and not yet written
 * @param closeReason why it is closing, {@code null} while open
 */
public record SessionInfo(String id, String user, String remoteAddress, String transport, String version,
		Instant openedAt, int subscriptions, long outboundBytes, CloseReason closeReason) {
}
