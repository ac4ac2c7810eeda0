package io.herald.routing;

import java.util.List;

/**
 * {@code herald.topics.rules}: what topics remember, per destination pattern, the first
 * matching rule winning. Resolved once per topic and cached on its
 * {@link TopicDestination}, so a publish pays nothing for the list.
 *
 * @param rules in order; a topic no rule matches remembers nothing
 */
public record TopicRules(List<Rule> rules) {

	/** No rules: no topic retains anything. */
	public static final TopicRules NONE = new TopicRules(List.of());

	public TopicRules {
		rules = List.copyOf(rules);
	}

	/** The rule for a topic name (without {@code /topic/}), or the default of none. */
	Retain retainOf(String topicName) {
		String[] segments = DestinationPattern.segments(DestinationName.TOPIC_PREFIX + topicName);
		for (Rule rule : this.rules) {
			if (rule.destinations().stream().anyMatch((pattern) -> pattern.covers(segments, null))) {
				return rule.retain();
			}
		}
		return Retain.NONE;
	}

	/**
	 * One rule.
	 *
	 * @param destinations the topics it is about, in the grammar of routing and of
	 * {@code herald.security.rules} ({@code /topic/prices.#})
	 * @param retain what its topics keep of their last message
	 */
	public record Rule(List<DestinationPattern> destinations, Retain retain) {

		public Rule {
			destinations = List.copyOf(destinations);
			if (destinations.isEmpty()) {
				throw new IllegalArgumentException("a topic rule needs at least one destination pattern");
			}
		}

	}

	/** What a topic keeps of its last message. */
	public enum Retain {

		/** Nothing; a SEND asking {@code x-herald-retain:true} is refused. */
		NONE,
		/** The last message, whatever the SEND says. */
		LAST,
		/** The last message sent with {@code x-herald-retain:true}. */
		ON_REQUEST

	}

}
