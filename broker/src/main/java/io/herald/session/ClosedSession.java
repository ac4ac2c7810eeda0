package io.herald.session;

import java.time.Instant;

/**
 * A session that ended, as operators see it in the recent closes.
 *
 * @param at when it ended
 * @param id the session id
 * @param user its user, {@code null} if it never connected
 * @param remoteAddress the client's IP address
 * @param transport {@code websocket}, {@code sockjs} or {@code tcp}
 * @param reason the close reason's tag, as in the {@code herald.sessions.closed} metric
 * @param message the ERROR's message the client got, {@code null} when there was none
 */
public record ClosedSession(Instant at, String id, String user, String remoteAddress, String transport, String reason,
		String message) {
}
