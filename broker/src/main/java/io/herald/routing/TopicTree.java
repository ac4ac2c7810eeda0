package io.herald.routing;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topic subscriptions in a token trie, RabbitMQ topic-exchange style: a topic name is
 * split on {@code .} into segments; in a pattern {@code *} matches exactly one segment
 * and {@code #} zero or more ({@link DestinationName}).
 *
 * <p>
 * Design, after NATS' sublist:
 * <ul>
 * <li>Writers (subscribe, unsubscribe) are serialised on the tree's monitor; readers
 * (publish) walk lock-free structures (concurrent child maps, copy-on-write subscriber
 * arrays).</li>
 * <li>The match cache is the set of {@link TopicDestination}s, keyed by topic name. A
 * publish to a cached topic is one map lookup and an array to iterate: no lock, no
 * allocation, never a scan of all subscriptions.</li>
 * <li>Updates are targeted: a change touches only the cached topics its pattern matches.
 * A literal pattern finds its one topic by lookup; a wildcard pattern is tested against
 * each cached name (linear in cached names, as in NATS). Nothing else is invalidated, so
 * a subscription storm elsewhere leaves hot topics hot.</li>
 * <li>Freshness: a miss walks the trie without the lock, then inserts under the lock, and
 * only what is current: every writer bumps a generation counter; if it moved since the
 * walk began, the walk is redone under the lock. As all entries enter and change under
 * the lock, an entry is current once the writer that changed the tree returns: a publish
 * that begins after SUBSCRIBE returned reaches the new subscriber.</li>
 * <li>Bound: at most {@code maxCacheEntries} unpinned entries. Beyond, a sweep evicts
 * entries not published to since the previous sweep (a second chance, CLOCK-like) until
 * an eighth of the bound is free, so a sweep's cost is spread over many misses and hot
 * topics stay. Pinned topics (subscribed by exact name) are never evicted.</li>
 * <li>Matching cost: a miss walks the trie once ({@link TopicWalk}), memoised so that it
 * costs at most destination length × pattern length whatever the patterns; runs of
 * {@code #} are stored as one.</li>
 * </ul>
 */
final class TopicTree {

	private final TopicNode root = new TopicNode(null, null);

	private final Map<String, TopicDestination> cache = new ConcurrentHashMap<>();

	private final int maxCacheEntries;

	private final InterestListener listener;

	private volatile long generation;

	private int subscriptionCount;

	private int pinned;

	private int misses;

	private int evictions;

	private volatile int lastMatchSteps;

	TopicTree(int maxCacheEntries) {
		this(maxCacheEntries, InterestListener.NONE);
	}

	/**
	 * @param maxCacheEntries most cached topics besides those subscribed by exact name
	 * @param listener told, under the tree's lock, when a pattern gains its first
	 * subscriber and loses its last
	 */
	TopicTree(int maxCacheEntries, InterestListener listener) {
		if (maxCacheEntries <= 0) {
			throw new IllegalArgumentException("maxCacheEntries must be positive, was " + maxCacheEntries);
		}
		this.maxCacheEntries = maxCacheEntries;
		this.listener = listener;
	}

	synchronized void add(String name, Subscriber subscriber) {
		String pattern = collapseHashes(name);
		String[] segments = segments(pattern);
		TopicNode node = this.root;
		for (String segment : segments) {
			TopicNode parent = node;
			node = parent.children.computeIfAbsent(segment, (s) -> new TopicNode(s, parent));
		}
		boolean first = node.subscribers.length == 0;
		node.subscribers = Subscribers.with(node.subscribers, subscriber);
		this.subscriptionCount++;
		this.generation++;
		if (isPattern(pattern)) {
			for (TopicDestination topic : this.cache.values()) {
				if (matches(segments, topic.segments())) {
					topic.addSubscriber(subscriber);
				}
			}
		}
		else {
			pinLiteral(pattern, segments, subscriber);
		}
		if (first) {
			this.listener.interestGained(new Destination(Destination.Kind.TOPIC, pattern, null));
		}
	}

	private void pinLiteral(String pattern, String[] segments, Subscriber subscriber) {
		TopicDestination topic = this.cache.get(pattern);
		if (topic == null) {
			// the walk sees the subscriber just added
			topic = walk(segments).toDestination(pattern);
			this.cache.put(pattern, topic);
		}
		else {
			topic.addSubscriber(subscriber);
		}
		if (topic.pin()) {
			this.pinned++;
		}
	}

	synchronized boolean remove(String name, Subscriber subscriber) {
		String pattern = collapseHashes(name);
		String[] segments = segments(pattern);
		TopicNode node = this.root;
		for (String segment : segments) {
			node = node.children.get(segment);
			if (node == null) {
				return false;
			}
		}
		Subscriber[] shrunk = Subscribers.without(node.subscribers, subscriber);
		if (shrunk == node.subscribers) {
			return false;
		}
		node.subscribers = shrunk;
		this.subscriptionCount--;
		prune(node);
		this.generation++;
		if (isPattern(pattern)) {
			for (TopicDestination topic : this.cache.values()) {
				if (matches(segments, topic.segments())) {
					topic.removeSubscriber(subscriber);
				}
			}
		}
		else {
			unpinLiteral(pattern, subscriber);
		}
		if (shrunk.length == 0) {
			this.listener.interestLost(new Destination(Destination.Kind.TOPIC, pattern, null));
		}
		return true;
	}

	private void unpinLiteral(String pattern, Subscriber subscriber) {
		// the literal subscription pinned its topic: it is cached
		TopicDestination topic = this.cache.get(pattern);
		if (topic == null) {
			throw new IllegalStateException("subscribed topic '" + pattern + "' is not cached");
		}
		topic.removeSubscriber(subscriber);
		if (topic.unpin()) {
			this.pinned--;
			if (topic.subscriberCount() == 0) {
				this.cache.remove(pattern, topic);
			}
			else if (unpinnedEntries() > this.maxCacheEntries) {
				sweep(null);
			}
		}
	}

	/** The subscribers whose pattern matches the topic, each once. */
	Subscriber[] match(String topic) {
		return destination(topic).subscribers();
	}

	/**
	 * The topic's destination, current with every subscription change that returned
	 * before this call; cached from now on.
	 */
	TopicDestination destination(String topic) {
		TopicDestination cached = this.cache.get(topic);
		if (cached != null) {
			cached.touch();
			return cached;
		}
		return miss(topic);
	}

	private TopicDestination miss(String topic) {
		long seen = this.generation;
		String[] segments = segments(topic);
		TopicWalk walk = walk(segments);
		synchronized (this) {
			TopicDestination raced = this.cache.get(topic);
			if (raced != null) {
				return raced;
			}
			if (seen != this.generation) {
				walk = walk(segments);
			}
			TopicDestination created = walk.toDestination(topic);
			this.cache.put(topic, created);
			this.misses++;
			if (unpinnedEntries() > this.maxCacheEntries) {
				sweep(created);
			}
			return created;
		}
	}

	synchronized int subscriptionCount() {
		return this.subscriptionCount;
	}

	/** The cached topics, pinned or not; a weakly consistent view, for snapshots. */
	Collection<TopicDestination> destinations() {
		return Collections.unmodifiableCollection(this.cache.values());
	}

	int cachedTopics() {
		return this.cache.size();
	}

	/** Trie walks whose result entered the cache, for tests of the cache. */
	synchronized int misses() {
		return this.misses;
	}

	/** Entries the bound evicted, for tests of the cache. */
	synchronized int evictions() {
		return this.evictions;
	}

	/** Steps of the latest trie walk, for tests of its cost. */
	int lastMatchSteps() {
		return this.lastMatchSteps;
	}

	private int unpinnedEntries() {
		return this.cache.size() - this.pinned;
	}

	/**
	 * Evicts unpinned entries until an eighth of the bound is free: first those not
	 * published to since the last sweep (clearing the bit of the others), then in
	 * iteration order. Tree lock held.
	 */
	private void sweep(TopicDestination keep) {
		int excess = unpinnedEntries() - (this.maxCacheEntries - this.maxCacheEntries / 8);
		for (int pass = 0; pass < 2 && excess > 0; pass++) {
			Iterator<TopicDestination> entries = this.cache.values().iterator();
			while (excess > 0 && entries.hasNext()) {
				TopicDestination topic = entries.next();
				if (topic == keep || topic.isPinned() || (pass == 0 && topic.clearReferenced())) {
					continue;
				}
				entries.remove();
				this.evictions++;
				excess--;
			}
		}
	}

	private TopicWalk walk(String[] segments) {
		TopicWalk walk = TopicWalk.of(this.root, segments);
		this.lastMatchSteps = walk.steps();
		return walk;
	}

	/**
	 * Whether a pattern matches a topic name, both split: the test a change applies to
	 * each cached topic. Greedy with backtracking to the latest {@code #}, so at most
	 * pattern × topic segment comparisons and no allocation.
	 */
	static boolean matches(String[] pattern, String[] topic) {
		int p = 0;
		int t = 0;
		int hash = -1;
		int resume = 0;
		while (t < topic.length) {
			if (p < pattern.length && pattern[p].equals(DestinationName.ANY_SEGMENTS)) {
				hash = p++;
				resume = t;
			}
			else if (p < pattern.length
					&& (pattern[p].equals(DestinationName.ONE_SEGMENT) || pattern[p].equals(topic[t]))) {
				p++;
				t++;
			}
			else if (hash >= 0) {
				// let the latest # absorb one more segment
				p = hash + 1;
				t = ++resume;
			}
			else {
				return false;
			}
		}
		while (p < pattern.length && pattern[p].equals(DestinationName.ANY_SEGMENTS)) {
			p++;
		}
		return p == pattern.length;
	}

	private void prune(TopicNode node) {
		while (node.parent != null && node.subscribers.length == 0 && node.children.isEmpty()) {
			node.parent.children.remove(node.segment, node);
			node = node.parent;
		}
	}

	/**
	 * The pattern with each run of consecutive {@code #} segments made one: they match
	 * the same topics, and one node costs the walk less than a chain of them. Patterns
	 * are stored, and reported to the interest listener, in this form.
	 */
	static String collapseHashes(String pattern) {
		if (!pattern.contains("#.#")) {
			return pattern;
		}
		StringBuilder collapsed = new StringBuilder(pattern.length());
		String previous = null;
		for (String segment : segments(pattern)) {
			if (DestinationName.ANY_SEGMENTS.equals(segment) && DestinationName.ANY_SEGMENTS.equals(previous)) {
				continue;
			}
			if (previous != null) {
				collapsed.append(DestinationName.SEPARATOR);
			}
			collapsed.append(segment);
			previous = segment;
		}
		return collapsed.toString();
	}

	static String[] segments(String name) {
		return DestinationName.split(name);
	}

	/** Whether a name holds a wildcard segment and so can only be subscribed to. */
	static boolean isPattern(String name) {
		return DestinationName.hasWildcard(name);
	}

}
