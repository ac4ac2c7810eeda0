package io.herald.admin;

import java.util.List;

import io.herald.session.SessionInfo;
import io.herald.session.SubscriptionInfo;

/**
 * {@code GET /api/v1/admin/sessions/{id}}: one session and its subscriptions.
 *
 * @param session the session, as in the listing
 * @param subscriptions what it subscribes to
 */
public record SessionDetail(SessionInfo session, List<SubscriptionInfo> subscriptions) {
}
