package io.herald.routing;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids unique across nodes and restarts: {@code NODE-START-N}, where the node id
 * is configured (or random), {@code START} is the node's start time from the injected
 * clock in base 36, and {@code N} counts up from 1. Cheap: one atomic increment and a
 * string concatenation per message.
 */
public final class MessageIds {

	private final String prefix;

	private final AtomicLong sequence = new AtomicLong();

	public MessageIds(String nodeId, Clock clock) {
		if (nodeId == null || nodeId.isEmpty()) {
			throw new IllegalArgumentException("nodeId must not be empty");
		}
		this.prefix = nodeId + "-" + Long.toString(clock.millis(), 36) + "-";
	}

	public String next() {
		return this.prefix + this.sequence.incrementAndGet();
	}

}
