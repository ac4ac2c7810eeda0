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

	/** A topic no rule matches: it remembers nothing. */
	static final Rule NOTHING = new Rule(List.of(DestinationPattern.compile("/#")), Retain.NONE, 0, 0, 0,
			SlowConsumer.DISCONNECT, 0, false);

	/** The rule for a topic name (without {@code /topic/}), or {@link #NOTHING}. */
	Rule ruleOf(String topicName) {
		String[] segments = DestinationPattern.segments(DestinationName.TOPIC_PREFIX + topicName);
		for (Rule rule : this.rules) {
			if (rule.destinations().stream().anyMatch((pattern) -> pattern.covers(segments, null))) {
				return rule;
			}
		}
		return NOTHING;
	}

	/**
	 * One rule.
	 *
	 * @param destinations the topics it is about, in the grammar of routing and of
	 * {@code herald.security.rules} ({@code /topic/prices.#})
	 * @param retain what its topics keep of their last message
	 * @param historySize how many of its last messages each of its topics keeps for
	 * resuming subscribers ({@code x-herald-since}, {@code x-herald-rewind}); 0 for none
	 * @param historyTtlNanos how long a message stays in the history; 0 for as long as
	 * the size allows
	 * @param idempotencyWindowNanos how long a SEND's {@code x-herald-idempotency-key} is
	 * remembered, so that a retry is not routed again; 0 for not at all
	 * @param slowConsumer what a subscriber that cannot keep up gets
	 * @param maxRate the most deliveries per second per destination a subscription may *
	 * ask for with {@code x-herald-max-rate}; 0 for no cap
	 * @param presence whether its topics are rooms whose members (the sessions subscribed
	 * by the exact name) are told to {@code /presence/topic/NAME} watchers
	 */
	public record Rule(List<DestinationPattern> destinations, Retain retain, int historySize, long historyTtlNanos,
			long idempotencyWindowNanos, SlowConsumer slowConsumer, double maxRate, boolean presence) {

		public Rule {
			destinations = List.copyOf(destinations);
			if (destinations.isEmpty()) {
				throw new IllegalArgumentException("a topic rule needs at least one destination pattern");
			}
			if (historySize < 0 || historyTtlNanos < 0 || idempotencyWindowNanos < 0 || maxRate < 0) {
				throw new IllegalArgumentException(
						"historySize, historyTtlNanos, idempotencyWindowNanos and maxRate must not be negative");
			}
		}

		/** A rule without presence. */
		public Rule(List<DestinationPattern> destinations, Retain retain, int historySize, long historyTtlNanos,
				long idempotencyWindowNanos, SlowConsumer slowConsumer, double maxRate) {
			this(destinations, retain, historySize, historyTtlNanos, idempotencyWindowNanos, slowConsumer, maxRate,
					false);
		}

		/** A rule that only retains. */
		public Rule(List<DestinationPattern> destinations, Retain retain) {
			this(destinations, retain, 0, 0, 0);
		}

		/** A rule without flow control. */
		public Rule(List<DestinationPattern> destinations, Retain retain, int historySize, long historyTtlNanos,
				long idempotencyWindowNanos) {
			this(destinations, retain, historySize, historyTtlNanos, idempotencyWindowNanos, SlowConsumer.DISCONNECT,
					0);
		}

		/**
		 * Whether the topic remembers anything, so that publishing goes through its slot.
		 */
		boolean remembers(Message message) {
			return retains(message) || keepsHistory()
					|| (this.idempotencyWindowNanos > 0 && message.idempotencyKey() != null);
		}

		/** Whether the message becomes its topic's retained value. */
		boolean retains(Message message) {
			return this.retain == Retain.LAST || (this.retain == Retain.ON_REQUEST && message.isRetainRequested());
		}

		boolean keepsHistory() {
			return this.historySize > 0;
		}

	}

	/** What a subscriber that cannot keep up with a topic gets. */
	public enum SlowConsumer {

		/** Dropped with an ERROR once its outbound buffer overflows (the default). */
		DISCONNECT,
		/**
		 * While it is behind, its oldest undelivered messages are dropped; the next
		 * delivered one says how many ({@code x-herald-dropped:N}).
		 */
		DROP_OLDEST,
		/**
		 * While it is behind, only the latest undelivered message per destination is
		 * kept; the delivered one says how many it replaced
		 * ({@code x-herald-conflated:N}).
		 */
		CONFLATE

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
