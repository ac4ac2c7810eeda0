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
 * @param traffic frames and bytes in and out so far
 * @param outboundBytes bytes queued for the client and not yet written
 * @param outboundFill how full the outbound buffer is, from 0 to 1: at 1 the client is
 * dropped as a slow consumer
 * @param lastReceivedAt when the client last sent anything (a frame or a heart-beat)
 * @param heartBeat the heart-beat intervals agreed at CONNECT, in milliseconds, as the
 * CONNECTED frame says them: the broker's sending, then what it expects ({@code 0,0} when
 * off or before CONNECT)
 * @param closeReason why it is closing, {@code null} while open
 */
public record SessionInfo(String id, String user, String remoteAddress, String transport, String version,
		Instant openedAt, int subscriptions, SessionTraffic traffic, long outboundBytes, double outboundFill,
		Instant lastReceivedAt, String heartBeat, CloseReason closeReason) {
}
