package io.herald.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What all the competing consumers of the soak's queues received, together: a queue
 * message should be delivered fresh (without {@code redelivered:true}) exactly once; a
 * consumer that leaves without acknowledging makes the broker send it again, flagged. So
 * flagged copies are expected ({@link #redelivered()}), and a second unflagged copy of
 * the same message is a broker bug ({@link #unflaggedDuplicates()}). Which copy came
 * first is not asked: the generator reads many connections, and the original still in
 * flight to a consumer that UNSUBSCRIBEd may be read after the flagged copy another one
 * got. Order is not checked either: redelivered messages come back out of order by
 * design.
 *
 * <p>
 * Owned by the generator's single event loop thread, like every connection.
 */
final class QueueLedger {

	/** Per stream, the messages received at all. */
	private final Map<Integer, BitSet> consumed = new HashMap<>();

	/** Per stream, the messages received without the redelivered flag. */
	private final Map<Integer, BitSet> fresh = new HashMap<>();

	private long received;

	private long redelivered;

	private long unflaggedDuplicates;

	void expect(int stream) {
		this.consumed.put(stream, new BitSet());
		this.fresh.put(stream, new BitSet());
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
		seen.set(bit);
		if (flaggedRedelivered) {
			this.redelivered++;
			return true;
		}
		BitSet unflagged = this.fresh.get(stream);
		if (unflagged.get(bit)) {
			this.unflaggedDuplicates++;
		}
		unflagged.set(bit);
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

	/** Copies flagged {@code redelivered:true}. */
	long redelivered() {
		return this.redelivered;
	}

	/** Unflagged copies of a message that had come unflagged before. */
	long unflaggedDuplicates() {
		return this.unflaggedDuplicates;
	}

}
