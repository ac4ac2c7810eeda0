package io.herald.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.herald.memory.MemoryBudget;

/**
 * The {@code /topic/} kind: every subscription whose pattern matches the published name
 * gets the message. Matching and the per-topic state live in the {@link TopicTree}; a
 * publish finds its {@link TopicDestination} with one cache lookup and fans out from it.
 */
final class Topics implements DestinationType {

	private final TopicTree tree;

	private final TopicRules rules;

	private final RetainedValues retained;

	Topics(int matchCacheSize, InterestListener listener) {
		this(matchCacheSize, listener, TopicSettings.NONE, MemoryBudget.UNBOUNDED);
	}

	Topics(int matchCacheSize, InterestListener listener, TopicSettings settings, MemoryBudget memory) {
		this.tree = new TopicTree(matchCacheSize, listener);
		this.rules = settings.rules();
		this.retained = new RetainedValues(settings.maxRetained(), settings.maxMemory(), memory);
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.TOPIC;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		TopicDestination topic = this.tree.destination(destination.name());
		TopicRules.Retain retain = topic.retain(this.rules);
		if (retain == TopicRules.Retain.LAST
				|| (retain == TopicRules.Retain.ON_REQUEST && message.isRetainRequested())) {
			return this.retained.publish(topic.name(), message, topic::publish);
		}
		if (message.isRetainRequested() && retain == TopicRules.Retain.NONE) {
			return PublishResult.refused("x-herald-retain is not allowed on " + DestinationName.TOPIC_PREFIX
					+ topic.name() + ": no herald.topics.rules entry retains it");
		}
		return topic.publish(message);
	}

	/**
	 * Hands the retained value of every topic the subscription's pattern matches to the
	 * consumer, in name order; see {@link RetainedValues} for the ordering with live
	 * messages.
	 */
	void forEachRetained(Destination pattern, Consumer<Message> consumer) {
		this.retained.forEachMatching(pattern.name(), consumer);
	}

	/** Topics holding a retained value. */
	int retainedCount() {
		return this.retained.count();
	}

	/** Bytes the retained values hold. */
	long retainedBytes() {
		return this.retained.bytes();
	}

	/** Retained values evicted by the bounds since start. */
	long retainedEvictions() {
		return this.retained.evicted();
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
