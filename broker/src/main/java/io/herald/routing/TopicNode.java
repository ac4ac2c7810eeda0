package io.herald.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node of the {@link TopicTree}: a pattern segment, its children, and the subscribers
 * whose pattern ends here. Readers walk it without locks, so children are a concurrent
 * map and the subscribers a copy-on-write array that only the tree's writers (under its
 * lock) replace.
 */
final class TopicNode {

	final String segment;

	final TopicNode parent;

	final Map<String, TopicNode> children = new ConcurrentHashMap<>();

	volatile Subscriber[] subscribers = Subscribers.NONE;

	TopicNode(String segment, TopicNode parent) {
		this.segment = segment;
		this.parent = parent;
	}

}
