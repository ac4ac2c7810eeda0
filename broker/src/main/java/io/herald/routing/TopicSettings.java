package io.herald.routing;

/**
 * What topics remember and how much they may hold ({@code herald.topics.*}).
 *
 * @param rules per-destination settings, first match wins
 * @param maxRetained most topics holding a retained value on the node
 * @param maxMemory most bytes retained values hold together
 * @param presenceMaxListed rooms of more sessions tell their watchers counts, not members
 */
public record TopicSettings(TopicRules rules, int maxRetained, long maxMemory, int presenceMaxListed) {

	/** The default of {@code herald.topics.presence-max-members}. */
	public static final int DEFAULT_PRESENCE_MAX_LISTED = 1_000;

	/** Topics remember nothing. */
	public static final TopicSettings NONE = new TopicSettings(TopicRules.NONE, 0, 0);

	public TopicSettings {
		if (maxRetained < 0 || maxMemory < 0 || presenceMaxListed < 0) {
			throw new IllegalArgumentException("maxRetained, maxMemory and presenceMaxListed must not be negative");
		}
	}

	/** Settings with the default presence bound. */
	public TopicSettings(TopicRules rules, int maxRetained, long maxMemory) {
		this(rules, maxRetained, maxMemory, DEFAULT_PRESENCE_MAX_LISTED);
	}

}
