package io.herald.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A point-to-point queue: each message goes to exactly one of the competing consumers,
 * chosen round robin among those with capacity, and waits in a bounded buffer while no
 * consumer can take it. Messages handed back (NACK, or unacknowledged when a consumer
 * leaves) go to the head of the buffer, in their original order, flagged as redelivered.
 *
 * <p>
 * All state is guarded by the queue's monitor. Lock order: a queue's monitor may be held
 * while a consumer takes a delivery (which touches only that consumer's own state); a
 * consumer never calls into a queue while holding its own lock.
 */
final class QueueDestination {

	private final String name;

	private final int maxLength;

	private final InterestListener listener;

	/**
	 * What the listener is told about; made once, as a queue's interest comes and goes.
	 */
	private final Destination interest;

	private final ArrayDeque<Pending> buffer = new ArrayDeque<>();

	private final List<QueueConsumer> consumers = new ArrayList<>();

	private int next;

	private long accepted;

	QueueDestination(String name, int maxLength) {
		this(name, maxLength, InterestListener.NONE);
	}

	/**
	 * @param listener told, under this queue's monitor, when the queue gains its first
	 * consumer and loses its last
	 */
	QueueDestination(String name, int maxLength, InterestListener listener) {
		this.name = name;
		this.maxLength = maxLength;
		this.listener = listener;
		this.interest = new Destination(Destination.Kind.QUEUE, name, null);
	}

	String name() {
		return this.name;
	}

	/**
	 * Adds a message and dispatches what can be dispatched.
	 * @return {@code false} if the buffer is at its limit and the message was refused
	 */
	synchronized boolean enqueue(Message message) {
		if (this.buffer.size() >= this.maxLength) {
			dispatch();
			if (this.buffer.size() >= this.maxLength) {
				return false;
			}
		}
		this.buffer.addLast(new Pending(message, false));
		this.accepted++;
		dispatch();
		return true;
	}

	/**
	 * Whether {@code count} more messages would be accepted now. Callers that hold this
	 * queue's monitor across the check and their {@link #enqueue} calls get the answer
	 * kept.
	 */
	synchronized boolean hasRoomFor(int count) {
		if (this.buffer.size() + count > this.maxLength) {
			dispatch();
		}
		return this.buffer.size() + count <= this.maxLength;
	}

	/** Puts messages back at the head, in the given order, as redelivered. */
	synchronized void requeue(List<Message> messages) {
		for (int i = messages.size() - 1; i >= 0; i--) {
			this.buffer.addFirst(new Pending(messages.get(i), true));
		}
		dispatch();
	}

	/**
	 * Adds a consumer without dispatching to it yet, so that the subscriber can confirm
	 * the subscription (RECEIPT) before its first message; {@link #consumerReady()}
	 * starts the flow.
	 */
	synchronized void addConsumer(QueueConsumer consumer) {
		this.consumers.add(consumer);
		if (this.consumers.size() == 1) {
			this.listener.interestGained(this.interest);
		}
	}

	synchronized void removeConsumer(QueueConsumer consumer) {
		int index = this.consumers.indexOf(consumer);
		if (index >= 0) {
			this.consumers.remove(index);
			if (index < this.next) {
				this.next--;
			}
			if (this.consumers.isEmpty()) {
				this.listener.interestLost(this.interest);
			}
		}
	}

	/** Called when a consumer gained capacity, e.g. after an ACK. */
	synchronized void consumerReady() {
		dispatch();
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
		return dropped;
	}

	/** A snapshot for operators, its figures taken together. */
	synchronized DestinationInfo describe() {
		return new DestinationInfo(Destination.QUEUE_PREFIX + this.name, Destination.Kind.QUEUE, this.consumers.size(),
				this.buffer.size(), this.accepted);
	}

	private void dispatch() {
		while (!this.buffer.isEmpty() && !this.consumers.isEmpty()) {
			QueueConsumer consumer = nextWithCapacity();
			if (consumer == null) {
				return;
			}
			Pending head = this.buffer.pollFirst();
			if (!consumer.deliver(head.message, head.redelivered)) {
				// the consumer is going away; keep the message for the others
				this.buffer.addFirst(head);
				removeConsumer(consumer);
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

	private record Pending(Message message, boolean redelivered) {
	}

}
