package io.herald.routing;

import java.util.List;
import java.util.Locale;
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

	private final TopicMemory memory;

	private final Presence presence;

	Topics(int matchCacheSize, InterestListener listener) {
		this(matchCacheSize, listener, TopicSettings.NONE, MemoryBudget.UNBOUNDED,
				new Presence(TopicSettings.DEFAULT_PRESENCE_MAX_LISTED));
	}

	/**
	 * @param presence where the members of rooms (topics whose rule has presence) are
	 * kept
	 */
	Topics(int matchCacheSize, InterestListener listener, TopicSettings settings, MemoryBudget memory,
			Presence presence) {
		this.tree = new TopicTree(matchCacheSize, listener);
		this.rules = settings.rules();
		this.memory = new TopicMemory(settings.maxRetained(), settings.maxMemory(), memory);
		this.presence = presence;
	}

	@Override
	public Destination.Kind kind() {
		return Destination.Kind.TOPIC;
	}

	@Override
	public PublishResult publish(Destination destination, Message message) {
		TopicDestination topic = this.tree.destination(destination.name());
		TopicRules.Rule rule = topic.rule(this.rules);
		message.setRule(rule);
		if (message.isRetainRequested() && rule.retain() == TopicRules.Retain.NONE) {
			return PublishResult.refused(retainRefusal(destination));
		}
		if (rule.remembers(message)) {
			// the destination is looked up again inside the topic's slot: the one found
			// before waiting for it may have left the cache, without a subscriber that
			// joined meanwhile
			return this.memory.publish(topic.name(), message, rule,
					(remembered) -> this.tree.destination(destination.name()).publish(remembered));
		}
		return topic.publish(message);
	}

	/** See {@link TopicMemory#adopt}. */
	boolean adopt(Destination destination, Message message) {
		TopicRules.Rule rule = this.rules.ruleOf(destination.name());
		message.setRule(rule);
		return this.memory.adopt(destination.name(), message, rule);
	}

	/**
	 * Hands the retained value of every topic the subscription's pattern matches to the
	 * consumer, in name order; see {@link TopicMemory} for the ordering with live
	 * messages.
	 */
	void forEachRetained(Destination pattern, Consumer<Message> consumer) {
		this.memory.forEachMatching(pattern.name(), consumer);
	}

	/**
	 * Replays a topic's history to a resuming subscription, under the topic's slot (see
	 * {@link TopicMemory}).
	 * @param since where the subscriber left off, or {@code null}
	 * @param rewind how many of the last messages to replay when {@code since} is
	 * {@code null}
	 */
	Replay replay(Destination topic, Position since, int rewind, Consumer<Boolean> answer, Consumer<Message> consumer) {
		return this.memory.replay(topic.name(), this.rules.ruleOf(topic.name()), since, rewind, answer, consumer);
	}

	/** Forgets what outlived its time in every remembering topic; see TopicMemory. */
	int sweep() {
		return this.memory.sweep();
	}

	/** Why a SEND to this destination may not ask {@code x-herald-retain:true}. */
	static String retainRefusal(Destination destination) {
		String where = (destination.kind() == Destination.Kind.TOPIC) ? destination.clientName()
				: "a " + destination.kind().name().toLowerCase(Locale.ROOT);
		return "x-herald-retain is not allowed on " + where + ": no herald.topics.rules entry retains it";
	}

	/** The topic rules, in order. */
	TopicRules rules() {
		return this.rules;
	}

	/** The rule of a topic: what it remembers. */
	TopicRules.Rule ruleOf(String topicName) {
		return this.rules.ruleOf(topicName);
	}

	/** Topics holding a retained value. */
	int retainedCount() {
		return this.memory.count();
	}

	/** Bytes the retained values hold. */
	long retainedBytes() {
		return this.memory.bytes();
	}

	/** SENDs not routed again: their idempotency key was seen within the window. */
	long duplicates() {
		return this.memory.duplicates();
	}

	/** Retained values evicted by the bounds since start. */
	long retainedEvictions() {
		return this.memory.evicted();
	}

	@Override
	public Route subscribe(Destination destination, String user, Subscriber subscriber) {
		String pattern = destination.name();
		this.tree.add(pattern, subscriber);
		// a member of a room subscribes by its exact name; a wildcard is watching, not
		// joining
		Runnable leave = (!DestinationName.hasWildcard(pattern) && this.rules.ruleOf(pattern).presence())
				? this.presence.join(pattern, user, subscriber.sessionId(), subscriber.presenceInfo()) : null;
		AtomicBoolean active = new AtomicBoolean(true);
		return () -> {
			if (active.compareAndSet(true, false)) {
				this.tree.remove(pattern, subscriber);
				if (leave != null) {
					leave.run();
				}
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
