package io.herald.bench;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * What one subscriber connection received, per message stream (one publisher on one
 * destination): counts, duplicates and order. A stream's sequence numbers start at 1 and
 * rise by one per SEND, so a gap is either a loss or a message that comes later
 * (reordered); gaps are remembered (bounded) to tell the two apart.
 *
 * <p>
 * Owned by the generator's single event loop thread; read by the scenario only after the
 * traffic stopped.
 */
final class StreamTracker {

	private static final int MAX_REMEMBERED_GAPS = 100_000;

	private int[] streams = new int[0];

	private long[] last = new long[0];

	/** Slot + 1 of each stream id, 0 for streams not expected. */
	private int[] slotOf = new int[0];

	private long[] received = new long[0];

	private final Set<Long> gaps = new HashSet<>();

	private long duplicated;

	private long reordered;

	private long unexpected;

	void expect(int stream) {
		int n = this.streams.length;
		this.streams = Arrays.copyOf(this.streams, n + 1);
		this.last = Arrays.copyOf(this.last, n + 1);
		this.received = Arrays.copyOf(this.received, n + 1);
		this.streams[n] = stream;
		if (stream >= this.slotOf.length) {
			this.slotOf = Arrays.copyOf(this.slotOf, Math.max(stream + 1, this.slotOf.length * 2));
		}
		this.slotOf[stream] = n + 1;
	}

	int[] streams() {
		return this.streams;
	}

	/** The last sequence number received in order on a stream, 0 before any. */
	long last(int stream) {
		int slot = slot(stream);
		return (slot < 0) ? 0 : this.last[slot];
	}

	void record(int stream, long seq) {
		int slot = slot(stream);
		if (slot < 0) {
			this.unexpected++;
			return;
		}
		long previous = this.last[slot];
		if (seq == previous + 1) {
			this.last[slot] = seq;
			this.received[slot]++;
		}
		else if (seq > previous + 1) {
			for (long missing = previous + 1; missing < seq && this.gaps.size() < MAX_REMEMBERED_GAPS; missing++) {
				this.gaps.add(key(stream, missing));
			}
			this.last[slot] = seq;
			this.received[slot]++;
		}
		else if (this.gaps.remove(key(stream, seq))) {
			this.reordered++;
			this.received[slot]++;
		}
		else {
			this.duplicated++;
		}
	}

	/**
	 * Messages of the given streams that never arrived.
	 * @param sent how many were sent per stream id
	 * @return the count of lost messages
	 */
	long lost(long[] sent) {
		long lost = 0;
		for (int i = 0; i < this.streams.length; i++) {
			lost += Math.max(0, sent[this.streams[i]] - this.received[i]);
		}
		return lost;
	}

	long received() {
		long total = 0;
		for (long r : this.received) {
			total += r;
		}
		return total;
	}

	long duplicated() {
		return this.duplicated;
	}

	long reordered() {
		return this.reordered;
	}

	long unexpected() {
		return this.unexpected;
	}

	/**
	 * The slot of a stream: one array read, however many streams a subscriber expects.
	 */
	private int slot(int stream) {
		return (stream >= 0 && stream < this.slotOf.length) ? this.slotOf[stream] - 1 : -1;
	}

	private static Long key(int stream, long seq) {
		return ((long) stream << 40) | seq;
	}

}
