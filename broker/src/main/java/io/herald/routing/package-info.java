/**
 * Where messages go. Owns the one destination grammar
 * ({@link io.herald.routing.DestinationName}), which security reads too, and one
 * {@link io.herald.routing.DestinationType} per kind: topics (the subscription trie
 * {@link io.herald.routing.TopicTree}, whose match cache holds one
 * {@link io.herald.routing.TopicDestination} per literal topic, the home of per-topic
 * state), point-to-point queues with competing consumers
 * ({@link io.herald.routing.QueueDestination}) and per-user queues. The
 * {@link io.herald.routing.Router} is the entry point: publish, subscribe, the operators'
 * snapshot ({@link io.herald.routing.DestinationInfo}) and, for the cluster backplane, an
 * {@link io.herald.routing.InterestListener} told when local interest in a destination
 * begins and ends. Matching one topic costs at most its segments × the patterns' segments
 * (runs of {@code #} are stored as one), and the router refuses destinations with more
 * segments than its limit ({@code herald.limits.max-destination-segments}).
 *
 * <p>
 * Sees messages and subscribers, never bytes on the wire or transports; plain Java. Lock
 * order: queue monitors (several only in name order, for a transaction's all-or-none
 * publish), then the topic tree's monitor (a topic cache miss); never the reverse. Under
 * any of them, or inside a user queue's map update, a subscriber may take a delivery and
 * the interest listener may be told; neither calls back into the router.
 */
package io.herald.routing;
