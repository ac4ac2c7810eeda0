package io.herald.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.herald.cluster.Backplane;

import io.herald.session.SessionTraffic;

/**
 * {@code GET /api/v1/admin/overview}: the node at one glance.
 *
 * @param version the broker's version
 * @param nodeId the node's name in session and message ids
 * @param startedAt when the broker started
 * @param uptimeSeconds seconds since then
 * @param connections open sessions by transport ({@code websocket}, {@code sockjs},
 * {@code tcp})
 * @param sessions open sessions
 * @param connectionsOpened connections accepted since start
 * @param connectionsRefused connections refused by a connection limit
 * @param topicSubscriptions topic subscriptions
 * @param destinations destinations the router holds
 * @param queues queues
 * @param queuedMessages messages waiting in queues
 * @param queuedBytes bytes queues hold, waiting or awaiting an ACK
 * @param messagesPublished messages accepted for routing since start
 * @param messagesDelivered MESSAGE frames handed to subscribers since start
 * @param rates messages and bytes in and out per second, over the last second (and
 * messages over the last minute), and the last second's delivery latency
 * @param traffic frames and bytes in and out since start, over every session
 * @param framesIn frames received since start, by client command
 * @param outboundBytes bytes queued for clients, not yet written (the writers' backlog)
 * @param eventLoopBacklog tasks waiting in each I/O event loop now
 * @param slowConsumers sessions ended as slow consumers
 * @param sessionsClosed sessions ended since start, by reason
 * @param authenticationFailures refused logins
 * @param topics what topics remember: retained values, bytes held, evictions, duplicate
 * SENDs; and what flow control did to deliveries
 * @param memory the node's memory budget
 * @param jvm the JVM's heap and collections
 * @param cluster the link to the cluster's other nodes: mode, whether connected, patterns
 * bound upstream, messages published upstream, received from other nodes, dropped
 */
public record Overview(String version, String nodeId, Instant startedAt, long uptimeSeconds,
		Map<String, Long> connections, int sessions, long connectionsOpened, long connectionsRefused,
		int topicSubscriptions, int destinations, int queues, long queuedMessages, long queuedBytes,
		long messagesPublished, long messagesDelivered, Throughput.Rates rates, SessionTraffic traffic,
		Map<String, Long> framesIn, long outboundBytes, List<Integer> eventLoopBacklog, long slowConsumers,
		Map<String, Long> sessionsClosed, long authenticationFailures, Topics topics, Memory memory, Jvm jvm,
		Backplane.Status cluster) {

	/**
	 * @param retained topics holding a retained value
	 * @param memoryBytes bytes retained values and histories hold
	 * @param evictions retained values and history messages evicted by the bounds
	 * @param duplicateSends SENDs not routed again for their idempotency key
	 * @param conflatedDeliveries undelivered messages replaced by a later one
	 * (slow-consumer: conflate)
	 * @param droppedDeliveries undelivered messages dropped as the oldest (drop-oldest)
	 * @param rateLimitedDeliveries messages withheld by x-herald-max-rate
	 */
	public record Topics(int retained, long memoryBytes, long evictions, long duplicateSends, long conflatedDeliveries,
			long droppedDeliveries, long rateLimitedDeliveries) {
	}

	/**
	 * @param usedBytes bytes held for clients
	 * @param maxBytes {@code herald.limits.max-memory}
	 * @param alarm whether publishing is refused
	 */
	public record Memory(long usedBytes, long maxBytes, boolean alarm) {
	}

	/**
	 * @param heapUsedBytes heap in use
	 * @param heapMaxBytes the heap's bound
	 * @param gcCount collections since start
	 * @param gcMillis time spent collecting since start
	 */
	public record Jvm(long heapUsedBytes, long heapMaxBytes, long gcCount, long gcMillis) {
	}

}
