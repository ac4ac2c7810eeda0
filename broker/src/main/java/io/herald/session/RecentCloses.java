package io.herald.session;

import java.util.ArrayList;
import java.util.List;

/**
 * The last sessions that ended, newest first, in a fixed ring: a flood of closes (an
 * attack refused at the door, a mass disconnect) costs a slot each and overwrites the
 * oldest, never more memory.
 */
public final class RecentCloses {

	private final ClosedSession[] ring;

	private long added;

	RecentCloses(int capacity) {
		this.ring = new ClosedSession[capacity];
	}

	synchronized void add(ClosedSession closed) {
		this.ring[(int) (this.added++ % this.ring.length)] = closed;
	}

	/** Up to {@code limit} of the last closes, newest first. */
	public synchronized List<ClosedSession> newest(int limit) {
		int count = (int) Math.min(Math.min(limit, this.added), this.ring.length);
		List<ClosedSession> newest = new ArrayList<>(count);
		for (int i = 1; i <= count; i++) {
			newest.add(this.ring[(int) ((this.added - i) % this.ring.length)]);
		}
		return newest;
	}

	/** How many it holds at most. */
	public int capacity() {
		return this.ring.length;
	}

}
