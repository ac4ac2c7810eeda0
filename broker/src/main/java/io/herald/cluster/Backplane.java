package io.herald.cluster;

import io.herald.routing.InterestListener;
import io.herald.routing.Router;
import io.herald.routing.Upstream;

/**
 * A node's link to the other nodes of its cluster, or {@link #single(String)} for a node
 * alone.
 */
public interface Backplane extends InterestListener, Upstream, AutoCloseable {

	/** This node's id: in its session and message ids, and on what it sends upstream. */
	String nodeId();

	/** Starts: from now on other nodes' messages reach the router's subscribers. */
	void start(Router router);

	/** What the link is doing, for health and the admin API. */
	Status status();

	@Override
	void close();

	/**
	 * The link's state.
	 *
	 * @param mode {@code none} or {@code rabbitmq}
	 * @param connected whether messages flow to and from the other nodes now (always
	 * {@code true} for a node alone)
	 * @param detail the RabbitMQ address and queue, or why it is down
	 * @param patterns topic patterns and user queues this node is bound to upstream
	 * @param published topic messages sent upstream
	 * @param received messages from other nodes routed here
	 * @param dropped topic messages not sent upstream: the link was down or behind
	 */
	record Status(String mode, boolean connected, String detail, int patterns, long published, long received,
			long dropped) {
	}

	/** A node alone: no link, always connected. */
	static Backplane single(String nodeId) {
		return new Backplane() {
			@Override
			public String nodeId() {
				return nodeId;
			}

			@Override
			public void start(Router router) {
			}

			@Override
			public Status status() {
				return new Status("none", true, "a single node", 0, 0, 0, 0);
			}

			@Override
			public void published(io.herald.routing.Destination destination, io.herald.routing.Message message) {
			}

			@Override
			public void close() {
			}
		};
	}

}
