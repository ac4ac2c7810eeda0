package io.herald.routing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One walk of the topic trie for one topic name: the subscribers of every node whose
 * pattern matches, each once, and how many times each was found (a subscriber may hold
 * several matching subscriptions; the cache must know, to keep it until the last one
 * goes).
 *
 * <p>
 * Design: {@code #} can absorb any number of segments, so below a {@code #} node several
 * paths reach the same (node, segment index); without memory a run of {@code #} makes the
 * walk exponential. The walk's states are (node, index) pairs: a {@code #} node either
 * passes to its children at the index or absorbs one more segment, so each state has at
 * most four successors, and states below a {@code #} are memoised. The walk therefore
 * costs at most about 4 × trie nodes × (segments + 1) steps: destination length × pattern
 * length, whatever the patterns (and {@link TopicTree} collapses runs of {@code #} into
 * one, so {@code #.#.#} costs what {@code #} costs). Above any {@code #} a node is
 * reached by one path only, so the common walk pays nothing for the memory. Runs on the
 * publisher's thread without locks, on a cache miss only.
 */
final class TopicWalk {

	private final String[] segments;

	private final List<Subscriber> found = new ArrayList<>();

	private final Map<Subscriber, Integer> times = new IdentityHashMap<>();

	private Map<TopicNode, BitSet> visited;

	private int added;

	private int steps;

	private TopicWalk(String[] segments) {
		this.segments = segments;
	}

	static TopicWalk of(TopicNode root, String[] segments) {
		TopicWalk walk = new TopicWalk(segments);
		walk.collect(root, 0, false);
		return walk;
	}

	/** Calls made by the walk, for tests of its cost. */
	int steps() {
		return this.steps;
	}

	/**
	 * Visits {@code node} having matched the first {@code index} segments. A {@code #}
	 * node absorbs the following segments one at a time (iteratively, so the depth of the
	 * recursion is the trie's, not the topic's), each absorption a state of its own.
	 */
	private void collect(TopicNode node, int index, boolean belowHash) {
		this.steps++;
		if (belowHash && !firstVisit(node, index)) {
			return;
		}
		expand(node, index, belowHash);
		if (DestinationName.ANY_SEGMENTS.equals(node.segment)) {
			for (int i = index + 1; i <= this.segments.length; i++) {
				this.steps++;
				if (!firstVisit(node, i)) {
					// visited before, and with it every later absorption
					return;
				}
				expand(node, i, true);
			}
		}
	}

	private void expand(TopicNode node, int index, boolean belowHash) {
		if (index == this.segments.length) {
			addAll(node.subscribers);
		}
		else {
			TopicNode exact = node.children.get(this.segments[index]);
			if (exact != null) {
				collect(exact, index + 1, belowHash);
			}
			TopicNode star = node.children.get(DestinationName.ONE_SEGMENT);
			if (star != null) {
				collect(star, index + 1, belowHash);
			}
		}
		TopicNode hash = node.children.get(DestinationName.ANY_SEGMENTS);
		if (hash != null) {
			collect(hash, index, true);
		}
	}

	private boolean firstVisit(TopicNode node, int index) {
		if (this.visited == null) {
			this.visited = new IdentityHashMap<>();
		}
		BitSet indexes = this.visited.computeIfAbsent(node, (n) -> new BitSet(this.segments.length + 1));
		if (indexes.get(index)) {
			return false;
		}
		indexes.set(index);
		return true;
	}

	private void addAll(Subscriber[] subscribers) {
		for (Subscriber subscriber : subscribers) {
			this.added++;
			if (this.times.merge(subscriber, 1, Integer::sum) == 1) {
				this.found.add(subscriber);
			}
		}
	}

	/** The destination of the topic walked, holding what the walk found. */
	TopicDestination toDestination(String name) {
		Map<Subscriber, Integer> repeats = null;
		if (this.added > this.found.size()) {
			repeats = new IdentityHashMap<>();
			for (Map.Entry<Subscriber, Integer> entry : this.times.entrySet()) {
				if (entry.getValue() > 1) {
					repeats.put(entry.getKey(), entry.getValue() - 1);
				}
			}
		}
		Subscriber[] subscribers = this.found.isEmpty() ? Subscribers.NONE : this.found.toArray(Subscribers.NONE);
		return new TopicDestination(name, this.segments, subscribers, repeats);
	}

}
