package io.herald.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topic subscriptions in a token trie, RabbitMQ topic-exchange style: a topic name is
 * split on {@code .} into segments; in a pattern {@code *} matches exactly one segment
 * and {@code #} zero or more.
 *
 * <p>
 * Design: writers (subscribe, unsubscribe) are serialised on the tree and bump a
 * generation counter; readers (publish) walk lock-free structures (concurrent child maps,
 * copy-on-write subscriber arrays) and keep results in a bounded cache keyed by topic
 * name and stamped with the generation they were computed under, so a cached result is
 * never served after a change. Publishing to a hot topic is a cache hit: one map lookup
 * and an array to iterate, never a scan of all subscriptions.
 */
final class TopicTree {

	private static final Subscriber[] NONE = new Subscriber[0];

	private final Node root = new Node(null, null);

	private final Map<String, CachedMatch> cache = new ConcurrentHashMap<>();

	private final int maxCacheEntries;

	private volatile long generation;

	private int subscriptionCount;

	TopicTree(int maxCacheEntries) {
		if (maxCacheEntries <= 0) {
			throw new IllegalArgumentException("maxCacheEntries must be positive, was " + maxCacheEntries);
		}
		this.maxCacheEntries = maxCacheEntries;
	}

	synchronized void add(String pattern, Subscriber subscriber) {
		Node node = this.root;
		for (String segment : segments(pattern)) {
			node = node.children.computeIfAbsent(segment, (s) -> new Node(s, null)).withParent(node);
		}
		Subscriber[] current = node.subscribers;
		Subscriber[] grown = Arrays.copyOf(current, current.length + 1);
		grown[current.length] = subscriber;
		node.subscribers = grown;
		this.subscriptionCount++;
		invalidate();
	}

	synchronized boolean remove(String pattern, Subscriber subscriber) {
		Node node = this.root;
		for (String segment : segments(pattern)) {
			node = node.children.get(segment);
			if (node == null) {
				return false;
			}
		}
		Subscriber[] current = node.subscribers;
		int index = -1;
		for (int i = 0; i < current.length; i++) {
			if (current[i] == subscriber) {
				index = i;
				break;
			}
		}
		if (index < 0) {
			return false;
		}
		Subscriber[] shrunk = new Subscriber[current.length - 1];
		System.arraycopy(current, 0, shrunk, 0, index);
		System.arraycopy(current, index + 1, shrunk, index, current.length - index - 1);
		node.subscribers = (shrunk.length == 0) ? NONE : shrunk;
		this.subscriptionCount--;
		prune(node);
		invalidate();
		return true;
	}

	/** The subscribers whose pattern matches the topic, each once. */
	Subscriber[] match(String topic) {
		long gen = this.generation;
		CachedMatch cached = this.cache.get(topic);
		if (cached != null && cached.generation == gen) {
			return cached.subscribers;
		}
		Subscriber[] result = compute(topic);
		if (this.cache.size() >= this.maxCacheEntries) {
			this.cache.clear();
		}
		this.cache.put(topic, new CachedMatch(gen, result));
		return result;
	}

	synchronized int subscriptionCount() {
		return this.subscriptionCount;
	}

	int cachedTopics() {
		return this.cache.size();
	}

	private Subscriber[] compute(String topic) {
		String[] segments = segments(topic);
		Set<Subscriber> found = Collections.newSetFromMap(new IdentityHashMap<>());
		collect(this.root, segments, 0, found);
		if (found.isEmpty()) {
			return NONE;
		}
		List<Subscriber> ordered = new ArrayList<>(found);
		return ordered.toArray(NONE);
	}

	private static void collect(Node node, String[] segments, int index, Set<Subscriber> found) {
		if (index == segments.length) {
			Collections.addAll(found, node.subscribers);
		}
		else {
			Node exact = node.children.get(segments[index]);
			if (exact != null) {
				collect(exact, segments, index + 1, found);
			}
			Node star = node.children.get("*");
			if (star != null) {
				collect(star, segments, index + 1, found);
			}
		}
		Node hash = node.children.get("#");
		if (hash != null) {
			for (int i = index; i <= segments.length; i++) {
				collect(hash, segments, i, found);
			}
		}
	}

	private void prune(Node node) {
		while (node.parent != null && node.subscribers.length == 0 && node.children.isEmpty()) {
			node.parent.children.remove(node.segment, node);
			node = node.parent;
		}
	}

	private void invalidate() {
		this.generation++;
		this.cache.clear();
	}

	static String[] segments(String name) {
		return DestinationName.split(name);
	}

	/** Whether a name holds a wildcard segment and so can only be subscribed to. */
	static boolean isPattern(String name) {
		return DestinationName.hasWildcard(name);
	}

	private static final class Node {

		final String segment;

		Node parent;

		final Map<String, Node> children = new ConcurrentHashMap<>();

		volatile Subscriber[] subscribers = NONE;

		Node(String segment, Node parent) {
			this.segment = segment;
			this.parent = parent;
		}

		Node withParent(Node parent) {
			this.parent = parent;
			return this;
		}

	}

	private record CachedMatch(long generation, Subscriber[] subscribers) {
	}

}
