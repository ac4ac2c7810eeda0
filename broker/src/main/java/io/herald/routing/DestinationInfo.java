package io.herald.routing;

/**
 * What operators see of one destination: a snapshot taken without stopping traffic, so
 * each figure is exact for its destination at some instant, not across destinations.
 *
 * @param name as a client writes it: {@code /topic/prices.AAPL}, {@code /queue/orders},
 * {@code /user/alice/queue/inbox}
 * @param kind the kind of destination
 * @param subscribers for a topic, the subscriptions it reaches (wildcard ones included),
 * each subscriber once; for a queue, its consumers; for a user queue, the user's
 * subscribed sessions
 * @param depth messages waiting in a queue; 0 for the other kinds, which buffer nothing
 * @param unacked queue messages handed to consumers that await their ACK; 0 for the other
 * kinds
 * @param published messages routed to it since the router holds it: a topic from its
 * first publish or exact subscription, a queue from its first use, a user queue while it
 * has sessions
 * @param delivered deliveries made from it over the same time: each subscriber reached
 * counts once per message
 */
public record DestinationInfo(String name, Destination.Kind kind, int subscribers, int depth, int unacked,
		long published, long delivered) {
}
