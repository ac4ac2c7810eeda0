package io.herald.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.herald.memory.MemoryBudget;

/**
 * A point-to-point queue: each message goes to exactly one of the competing consumers,
 * chosen round robin among those with capacity, and waits in a buffer bounded in length
 * and bytes while no consumer can take it. Messages handed back (NACK, or unacknowledged
 * when a consumer leaves) go to the head of the buffer, in their original order, flagged
 * as redelivered.
 *
 * <p>
 * Memory. Each message is charged to the node's {@link QueueMemory} from acceptance until
 * it is gone for good (see there); the per-queue byte bound counts only what waits in the
 * buffer, as a consumer's unacknowledged messages are bounded by its own limit.
 *
 * <p>
 * Removal. A queue with no message and no consumer through a whole idle timeout is
 * retired by {@link #retireIfIdle}: from then on it refuses everything with
 * {@link Offer#RETIRED}, and its caller asks the map for the queue of that name again,
 * which makes a new one. Retirement happens inside the map's update of the name, so a
 * name never maps to a retired queue for long and nothing offered to one is lost.
 *
 * <p>
 * All state is guarded by the queue's monitor. Lock order: the map's lock of a name, then
 * the queue's monitor, then a consumer taking a delivery (which touches only that
 * consumer's own state); a consumer never calls into a queue while holding its own lock.
 */
final class QueueDestination {

	/** What became of a message offered to the queue. */
	enum Offer {

		ACCEPTED, FULL_LENGTH, FULL_BYTES, FULL_MEMORY, RETIRED

	}

	/** {@link #idleSince} while the queue is in use. */
	private static final long IN_USE = Long.MIN_VALUE;

	private final String name;

	private final QueueLimits limits;

	private final QueueMemory memory;

	private final InterestListener listener;

	/**
	 * What the listener is told about; made once, as a queue's interest comes and goes.
	 */
	private final Destination interest;

	private final ArrayDeque<Pending> buffer = new ArrayDeque<>();

	private final List<QueueConsumer> consumers = new ArrayList<>();

	private int next;

	private long accepted;

	/** Messages handed to consumers. */
	private long delivered;

	/** Of those, handed to consumers that acknowledge and not settled yet. */
	private int unacked;

	/** Bytes waiting in the buffer. */
	private long bufferedBytes;

	/** When a sweep first found the queue idle, or {@link #IN_USE}. */
	private long idleSince = IN_USE;

	private boolean retired;

	QueueDestination(String name, int maxLength) {
		this(name, QueueLimits.ofLength(maxLength), new QueueMemory(Long.MAX_VALUE, MemoryBudget.UNBOUNDED),
				InterestListener.NONE);
	}

	/**
	 * @param memory what all queues of the node hold
	 * @param listener told, under this queue's monitor, when the queue gains its first
	 * consumer and loses its last
	 */
	QueueDestination(String name, QueueLimits limits, QueueMemory memory, InterestListener listener) {
		this.name = name;
		this.limits = limits;
		this.memory = memory;
		this.listener = listener;
		this.interest = new Destination(Destination.Kind.QUEUE, name, null);
	}

	String name() {
		return this.name;
	}

	/**
	 * Adds a message and dispatches what can be dispatched.
	 * @return {@link Offer#ACCEPTED}, or why the message was refused
	 */
	synchronized Offer enqueue(Message message) {
		if (this.retired) {
			return Offer.RETIRED;
		}
		long footprint = message.footprint();
		Offer room = room(1, footprint);
		if (room != Offer.ACCEPTED) {
			return room;
		}
		if (!this.memory.tryCharge(footprint)) {
			return Offer.FULL_MEMORY;
		}
		append(message, footprint);
		return Offer.ACCEPTED;
	}

	/**
	 * Adds a message already charged to the node's queue memory, after a {@link #room}
	 * check made under this queue's monitor, still held.
	 */
	synchronized void enqueueCharged(Message message) {
		append(message, message.footprint());
	}

	private void append(Message message, long footprint) {
		this.buffer.addLast(new Pending(message, footprint, false));
		this.bufferedBytes += footprint;
		this.accepted++;
		this.idleSince = IN_USE;
		dispatch();
	}

	/**
	 * Whether {@code count} more messages of {@code bytes} together would fit in the
	 * buffer now. Callers that hold this queue's monitor across the check and their
	 * {@link #enqueue} calls get the answer kept, but for the node's queue memory, which
	 * other queues share.
	 */
	synchronized Offer room(int count, long bytes) {
		if (this.retired) {
			return Offer.RETIRED;
		}
		if (!fits(count, bytes)) {
			dispatch();
			if (this.buffer.size() + count > this.limits.maxLength()) {
				return Offer.FULL_LENGTH;
			}
			if (!fits(count, bytes)) {
				return Offer.FULL_BYTES;
			}
		}
		return Offer.ACCEPTED;
	}

	private boolean fits(int count, long bytes) {
		return this.buffer.size() + count <= this.limits.maxLength()
				&& this.bufferedBytes + bytes <= this.limits.maxBytes();
	}

	/**
	 * Puts messages back at the head, in the given order, as redelivered; they are still
	 * charged to the node's queue memory.
	 * @return {@code false} if the queue is retired and took nothing
	 */
	synchronized boolean requeue(List<Message> messages) {
		// handed back by a consumer: no longer awaiting its ACK
		this.unacked = Math.max(0, this.unacked - messages.size());
		if (this.retired) {
			return false;
		}
		for (int i = messages.size() - 1; i >= 0; i--) {
			Message message = messages.get(i);
			long footprint = message.footprint();
			this.buffer.addFirst(new Pending(message, footprint, true));
			this.bufferedBytes += footprint;
		}
		this.idleSince = IN_USE;
		dispatch();
		return true;
	}

	/**
	 * Adds a consumer without dispatching to it yet, so that the subscriber can confirm
	 * the subscription (RECEIPT) before its first message; {@link #consumerReady()}
	 * starts the flow.
	 * @return {@code false} if the queue is retired and the consumer was not added
	 */
	synchronized boolean addConsumer(QueueConsumer consumer) {
		if (this.retired) {
			return false;
		}
		this.consumers.add(consumer);
		this.idleSince = IN_USE;
		if (this.consumers.size() == 1) {
			this.listener.interestGained(this.interest);
		}
		return true;
	}

	synchronized void removeConsumer(QueueConsumer consumer) {
		int index = this.consumers.indexOf(consumer);
		if (index >= 0) {
			this.consumers.remove(index);
			if (index < this.next) {
				this.next--;
			}
			this.idleSince = IN_USE;
			if (this.consumers.isEmpty()) {
				this.listener.interestLost(this.interest);
			}
		}
	}

	/** Called when a consumer gained capacity, e.g. after an ACK. */
	synchronized void consumerReady() {
		dispatch();
	}

	/**
	 * Messages a consumer acknowledged: they leave the node's queue memory.
	 */
	void settled(List<Message> messages) {
		long bytes = 0;
		for (Message message : messages) {
			bytes += message.footprint();
			message.settled();
		}
		this.memory.release(bytes);
		synchronized (this) {
			this.unacked = Math.max(0, this.unacked - messages.size());
		}
	}

	/**
	 * Retires the queue if it has held no message and had no consumer since a sweep at
	 * least {@code idleTimeout} ago; the first sweep that finds it unused starts that
	 * clock. Called by the sweep of the queues inside the map's update of this name.
	 * @param now the sweep's time, in nanoseconds of any fixed origin
	 * @return whether the queue is retired and must leave the map
	 */
	synchronized boolean retireIfIdle(long now, long idleTimeoutNanos) {
		if (!this.buffer.isEmpty() || !this.consumers.isEmpty()) {
			this.idleSince = IN_USE;
			return false;
		}
		if (this.idleSince == IN_USE) {
			this.idleSince = now;
			return false;
		}
		this.retired = now - this.idleSince >= idleTimeoutNanos;
		return this.retired;
	}

	synchronized int depth() {
		return this.buffer.size();
	}

	synchronized int consumerCount() {
		return this.consumers.size();
	}

	/**
	 * Drops every waiting message; what consumers hold unacknowledged stays theirs.
	 * @return how many were dropped
	 */
	synchronized int purge() {
		int dropped = this.buffer.size();
		this.buffer.clear();
		this.memory.release(this.bufferedBytes);
		this.bufferedBytes = 0;
		return dropped;
	}

	/** A snapshot for operators, its figures taken together. */
	synchronized DestinationInfo describe() {
		return new DestinationInfo(Destination.QUEUE_PREFIX + this.name, Destination.Kind.QUEUE, this.consumers.size(),
				this.buffer.size(), this.unacked, this.accepted, this.delivered);
	}

	private void dispatch() {
		while (!this.buffer.isEmpty() && !this.consumers.isEmpty()) {
			QueueConsumer consumer = nextWithCapacity();
			if (consumer == null) {
				return;
			}
			Pending head = this.buffer.pollFirst();
			this.bufferedBytes -= head.footprint;
			if (!consumer.deliver(head.message, head.redelivered)) {
				// the consumer is going away; keep the message for the others
				this.buffer.addFirst(head);
				this.bufferedBytes += head.footprint;
				removeConsumer(consumer);
			}
			else if (!consumer.settlesByAck()) {
				this.delivered++;
				this.memory.release(head.footprint);
				head.message.settled();
			}
			else {
				this.delivered++;
				this.unacked++;
			}
		}
	}

	private QueueConsumer nextWithCapacity() {
		int size = this.consumers.size();
		for (int i = 0; i < size; i++) {
			int index = (this.next + i) % size;
			QueueConsumer candidate = this.consumers.get(index);
			if (candidate.hasCapacity()) {
				this.next = (index + 1) % size;
				return candidate;
			}
		}
		return null;
	}

	private record Pending(Message message, long footprint, boolean redelivered) {
	}

}
