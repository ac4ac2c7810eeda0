package io.herald.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code /topic/} kind: every subscription whose pattern matches the published name
 * gets the message. Matching and the per-topic state live in the {@link TopicTree}; a
 * publish finds its {@link TopicDestination} with one cache lookup and fans out from it.
 */
final class Topics implements DestinationType {

	private final TopicTree tree;

	Topics(int matchCacheSize, InterestListener listener) {
		this.tree = new TopicTree(matchCacheSize, listener);
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.TOPIC;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		return this.tree.destination(destination.name()).publish(message);
	}

	@Override
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		String pattern = destination.name();
		this.tree.add(pattern, subscriber);
		AtomicBoolean active = new AtomicBoolean(true);
		return () -> {
			if (active.compareAndSet(true, false)) {
				this.tree.remove(pattern, subscriber);
			}
		};
	}

	/**
	 * The topics the tree holds: those subscribed by exact name and those published to
	 * recently (the match cache). A wildcard subscription is no topic of its own; it
	 * counts among the subscribers of each topic it reaches.
	 */
	@Override
	public void describe(List<DestinationInfo> into) {
		for (TopicDestination topic : this.tree.destinations()) {
			into.add(new DestinationInfo(DestinationName.TOPIC_PREFIX + topic.name(), Destination.Kind.TOPIC,
					topic.subscriberCount(), 0, 0, topic.published(), topic.delivered()));
		}
	}

	int subscriptionCount() {
		return this.tree.subscriptionCount();
	}

}
