package io.herald.routing;

/**
 * What topics remember and how much they may hold ({@code herald.topics.*}).
 *
 * @param rules per-destination settings, first match wins
 * @param maxRetained most topics holding a retained value on the node
 * @param maxMemory most bytes retained values hold together
 */
public record TopicSettings(TopicRules rules, int maxRetained, long maxMemory) {

	/** Topics remember nothing. */
	public static final TopicSettings NONE = new TopicSettings(TopicRules.NONE, 0, 0);

	public TopicSettings {
		if (maxRetained < 0 || maxMemory < 0) {
			throw new IllegalArgumentException("maxRetained and maxMemory must not be negative");
		}
	}

}
