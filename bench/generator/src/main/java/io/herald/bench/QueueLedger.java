package io.herald.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What all the competing consumers of the soak's queues received, together: a queue
 * message should be consumed by someone exactly once, except that a copy the broker flags
 * {@code redelivered:true} may follow one that a consumer got and left without
 * acknowledging. So a second copy with the flag is expected ({@link #redelivered()}), and
 * a second copy without it is a broker bug ({@link #unflaggedDuplicates()}). Order is not
 * checked: redelivered messages come back out of order by design.
 *
 * <p>
 * Owned by the generator's single event loop thread, like every connection.
 */
final class QueueLedger {

	private final Map<Integer, BitSet> consumed = new HashMap<>();

	private long received;

	private long redelivered;

	private long unflaggedDuplicates;

	void expect(int stream) {
		this.consumed.put(stream, new BitSet());
	}

	/**
	 * @return {@code false} when the stream is not one of the queues' (nothing recorded)
	 */
	boolean record(int stream, long seq, boolean flaggedRedelivered) {
		BitSet seen = this.consumed.get(stream);
		if (seen == null || seq <= 0 || seq > Integer.MAX_VALUE) {
			return false;
		}
		this.received++;
		int bit = (int) seq;
		if (!seen.get(bit)) {
			seen.set(bit);
		}
		else if (flaggedRedelivered) {
			this.redelivered++;
		}
		else {
			this.unflaggedDuplicates++;
		}
		return true;
	}

	/**
	 * @param sent messages published per stream id
	 * @return messages sent to a queue that no consumer ever received
	 */
	long lost(long[] sent) {
		long lost = 0;
		for (Map.Entry<Integer, BitSet> e : this.consumed.entrySet()) {
			lost += Math.max(0, sent[e.getKey()] - e.getValue().cardinality());
		}
		return lost;
	}

	/** Messages sent to the queues. */
	long sent(long[] sent) {
		long total = 0;
		for (int stream : this.consumed.keySet()) {
			total += sent[stream];
		}
		return total;
	}

	/** Every copy received, first or not. */
	long received() {
		return this.received;
	}

	long redelivered() {
		return this.redelivered;
	}

	long unflaggedDuplicates() {
		return this.unflaggedDuplicates;
	}

}
