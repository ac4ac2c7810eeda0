package io.herald.routing;

import java.util.concurrent.atomic.AtomicLong;

import io.herald.memory.MemoryBudget;

/**
 * The bytes all queues of a node hold, against {@link QueueLimits#maxMemory()}, and
 * charged to the node's {@link MemoryBudget} as well. A message is charged from the
 * moment a queue accepts it until it is gone for good: delivered to an {@code auto}
 * consumer, acknowledged, or purged. A NACK or a consumer leaving hands it back still
 * charged.
 */
final class QueueMemory {

	private final AtomicLong held = new AtomicLong();

	private final long max;

	private final MemoryBudget budget;

	QueueMemory(long max, MemoryBudget budget) {
		this.max = max;
		this.budget = budget;
	}

	/**
	 * Charges a new message if it fits under the bound.
	 * @return whether it was charged
	 */
	boolean tryCharge(long bytes) {
		long now;
		do {
			now = this.held.get();
			if (now + bytes > this.max) {
				return false;
			}
		}
		while (!this.held.compareAndSet(now, now + bytes));
		this.budget.reserve(bytes);
		return true;
	}

	void release(long bytes) {
		this.held.addAndGet(-bytes);
		this.budget.release(bytes);
	}

	long held() {
		return this.held.get();
	}

	long max() {
		return this.max;
	}

}
