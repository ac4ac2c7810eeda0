package io.herald.routing;

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

	int subscriptionCount() {
		return this.tree.subscriptionCount();
	}

}
