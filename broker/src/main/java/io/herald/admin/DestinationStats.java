package io.herald.admin;

import io.herald.routing.Destination;
import io.herald.routing.DestinationInfo;

/**
 * One destination in the admin API: what the router counts, with its rates over the last
 * second.
 *
 * @param name as a client writes it, such as {@code /topic/prices.AAPL}
 * @param kind {@code TOPIC}, {@code QUEUE} or {@code USER}
 * @param subscribers subscriptions it reaches (a queue: its consumers)
 * @param depth messages waiting in a queue
 * @param unacked queue messages handed out and awaiting an ACK
 * @param published messages routed to it since the router holds it
 * @param delivered deliveries from it over the same time
 * @param publishedPerSecond messages in over the last second
 * @param deliveredPerSecond deliveries over the last second
 */
public record DestinationStats(String name, Destination.Kind kind, int subscribers, int depth, int unacked,
		long published, long delivered, double publishedPerSecond, double deliveredPerSecond) {

	static DestinationStats of(DestinationInfo info, double[] rates) {
		return new DestinationStats(info.name(), info.kind(), info.subscribers(), info.depth(), info.unacked(),
				info.published(), info.delivered(), rates[0], rates[1]);
	}

}
