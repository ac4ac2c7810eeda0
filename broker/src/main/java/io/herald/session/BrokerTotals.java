package io.herald.session;

/**
 * Node-wide totals at one moment, for operators.
 *
 * @param sessions open sessions
 * @param connectionsOpened connections accepted since start
 * @param messagesPublished messages accepted for routing since start
 * @param topicSubscriptions topic subscriptions
 * @param queues queues that exist
 * @param bufferedMessages messages waiting in queues
 * @param outboundBytes bytes queued for clients across sessions
 */
public record BrokerTotals(int sessions, long connectionsOpened, long messagesPublished, int topicSubscriptions,
		int queues, long bufferedMessages, long outboundBytes) {
}
