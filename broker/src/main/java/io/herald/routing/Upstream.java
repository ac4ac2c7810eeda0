package io.herald.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a node hands the topic and user-queue messages its own clients published, for the
 * other nodes of a cluster (the RabbitMQ backplane). Messages that came from another node
 * are routed with {@link Router#publishFromUpstream} and never handed back.
 *
 * <p>
 * Called on the publishing thread, after local routing, in each publisher's order: an
 * implementation must not block and must not throw; it queues the message for a thread of
 * its own, within a bound.
 */
public interface Upstream {

	/** A single node: nothing goes anywhere. */
	Upstream NONE = (destination, message) -> {
	};

	/**
	 * Whether {@code /queue/} messages go upstream ({@link #enqueue}) instead of into
	 * this node's queues, which then only hold what upstream hands their consumers.
	 */
	default boolean carriesQueues() {
		return false;
	}

	/**
	 * Takes a {@code /queue/} message a client of this node sent, for the queue shared by
	 * the cluster's nodes.
	 * @return completes with {@code null} once stored upstream, or with why it was not
	 * (completed at once when refused before anything was sent)
	 */
	default CompletionStage<String> enqueue(Destination destination, Message message) {
		return CompletableFuture.completedStage("queues are not shared");
	}

	/**
	 * One of this node's sessions entered a presence room, or changed its member info
	 * there; called under the room's monitor, in the order of the room's changes.
	 */
	default void memberJoined(String room, String user, String session, String info) {
	}

	/** One of this node's sessions left a presence room. */
	default void memberLeft(String room, String session) {
	}

	/**
	 * A message this node's clients published to a topic, or to a user's queue
	 * ({@link Destination#user()} set).
	 */
	void published(Destination destination, Message message);

}
