package io.herald.routing;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One literal topic and its state: the subscribers its messages fan out to (every
 * subscription whose pattern matches the name, each subscriber once) and its counters.
 * This is the home of per-topic features to come (retained message, history, the
 * slow-consumer policy of the topic's rule), so that a publish finds all of them with the
 * one map lookup it already makes.
 *
 * <p>
 * Design: the {@link TopicTree} owns these objects; they are its match cache. The tree
 * creates one on the first publish to a name, or on a subscription to exactly that name,
 * and keeps it current on every SUBSCRIBE and UNSUBSCRIBE whose pattern matches it, under
 * the tree's lock. A topic with subscriptions to exactly its name (later: retained state)
 * is pinned: the cache bound never evicts it. Once nothing pins it, it is an ordinary
 * cache entry: dropped at once when nobody matches it any more, else evictable when the
 * cache is over its bound.
 *
 * <p>
 * A publish reads the volatile subscriber array and bumps a {@link LongAdder}: no lock
 * and no allocation on the fan-out path. Writers replace the array, copy on write.
 */
final class TopicDestination {

	private final String name;

	private final String[] segments;

	private final LongAdder published = new LongAdder();

	private final LongAdder delivered = new LongAdder();

	private volatile Subscriber[] subscribers;

	/**
	 * Subscribers matching this topic through more than one subscription, with how many
	 * more; {@code null} while there is none (always, for Herald's sessions, whose
	 * subscriptions are distinct subscribers). Guarded by the tree's lock.
	 */
	private Map<Subscriber, Integer> repeats;

	/** Subscriptions to exactly this name; while positive the topic is pinned. */
	private int literalSubscriptions;

	/**
	 * Second-chance bit of the cache's eviction sweep: set by publishes that find the
	 * topic cached (a read only, when already set, so a hot topic costs no write),
	 * cleared by the sweep. A new entry starts without it: a topic published once is the
	 * first to go.
	 */
	private volatile boolean referenced;

	/** What the topic remembers, resolved from the rules at its first use. */
	private volatile TopicRules.Rule rule;

	TopicDestination(String name, String[] segments, Subscriber[] subscribers, Map<Subscriber, Integer> repeats) {
		this.name = name;
		this.segments = segments;
		this.subscribers = subscribers;
		this.repeats = repeats;
	}

	/** The topic name, without {@code /topic/}. */
	String name() {
		return this.name;
	}

	String[] segments() {
		return this.segments;
	}

	/** Hands the message to every matching subscriber; the publishing thread's work. */
	PublishResult publish(Message message) {
		this.published.increment();
		PublishResult result = PublishResult.fanOut(this.subscribers, message);
		this.delivered.add(result.receivers());
		return result;
	}

	/** What the topic remembers under the rules, resolved once. */
	TopicRules.Rule rule(TopicRules rules) {
		TopicRules.Rule resolved = this.rule;
		if (resolved == null) {
			resolved = rules.ruleOf(this.name);
			this.rule = resolved;
		}
		return resolved;
	}

	Subscriber[] subscribers() {
		return this.subscribers;
	}

	int subscriberCount() {
		return this.subscribers.length;
	}

	long published() {
		return this.published.sum();
	}

	long delivered() {
		return this.delivered.sum();
	}

	void touch() {
		if (!this.referenced) {
			this.referenced = true;
		}
	}

	/** For the sweep: whether the topic was published to since the last call. */
	boolean clearReferenced() {
		boolean was = this.referenced;
		this.referenced = false;
		return was;
	}

	boolean isPinned() {
		return this.literalSubscriptions > 0;
	}

	/**
	 * @return whether this made the topic pinned
	 */
	boolean pin() {
		return this.literalSubscriptions++ == 0;
	}

	/**
	 * @return whether this made the topic unpinned
	 */
	boolean unpin() {
		return --this.literalSubscriptions == 0;
	}

	/** A subscription that matches this topic was added; tree lock held. */
	void addSubscriber(Subscriber subscriber) {
		Subscriber[] current = this.subscribers;
		if (Subscribers.indexOf(current, subscriber) >= 0) {
			if (this.repeats == null) {
				this.repeats = new IdentityHashMap<>();
			}
			this.repeats.merge(subscriber, 1, Integer::sum);
			return;
		}
		this.subscribers = Subscribers.with(current, subscriber);
	}

	/**
	 * A subscription that matches this topic was removed; the subscriber stays if another
	 * of its subscriptions matches too. Tree lock held.
	 */
	void removeSubscriber(Subscriber subscriber) {
		if (this.repeats != null) {
			Integer more = this.repeats.get(subscriber);
			if (more != null) {
				if (more == 1) {
					this.repeats.remove(subscriber);
					if (this.repeats.isEmpty()) {
						this.repeats = null;
					}
				}
				else {
					this.repeats.put(subscriber, more - 1);
				}
				return;
			}
		}
		this.subscribers = Subscribers.without(this.subscribers, subscriber);
	}

	@Override
	public String toString() {
		return "TopicDestination[" + this.name + ", " + this.subscribers.length + " subscribers]";
	}

}
