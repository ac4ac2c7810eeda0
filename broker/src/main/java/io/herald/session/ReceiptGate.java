package io.herald.session;

import java.util.ArrayDeque;

/**
 * Keeps a session's RECEIPTs in the order of its frames while some of those frames wait
 * for a confirmation: a queue SEND that the cluster's RabbitMQ confirms later, a COMMIT
 * of such SENDs. STOMP's RECEIPT says that every frame before it was processed, so a
 * RECEIPT (and a DISCONNECT's) waits behind the confirmations before it; a refusal ends
 * the session with an ERROR that names the refused frame's receipt. Owned by the
 * session's mailbox.
 */
final class ReceiptGate {

	/** What becomes of the frames let through. */
	interface Sink {

		void receipt(OutboundFrame receipt);

		/** A confirmation was refused: the session ends with an ERROR. */
		void refused(String why, String receiptId);

		/** A DISCONNECT that waited: the session ends with its RECEIPT. */
		void disconnect(String receiptId);

	}

	/** A frame's outcome; ready unless it waits for a confirmation. */
	private static final class Entry {

		private final OutboundFrame receipt;

		private final String receiptId;

		private final boolean disconnect;

		private boolean ready;

		private String refusal;

		private Entry(OutboundFrame receipt, String receiptId, boolean disconnect, boolean ready) {
			this.receipt = receipt;
			this.receiptId = receiptId;
			this.disconnect = disconnect;
			this.ready = ready;
		}

	}

	private final ArrayDeque<Entry> waiting = new ArrayDeque<>();

	private final Sink sink;

	ReceiptGate(Sink sink) {
		this.sink = sink;
	}

	/** Whether a confirmation is outstanding (later RECEIPTs wait). */
	boolean isHolding() {
		return !this.waiting.isEmpty();
	}

	/** A frame whose RECEIPT (or none) can go now, after those before it. */
	void receipt(OutboundFrame receipt) {
		if (this.waiting.isEmpty()) {
			this.sink.receipt(receipt);
		}
		else {
			this.waiting.add(new Entry(receipt, null, false, true));
		}
	}

	/**
	 * A frame waiting for its confirmation.
	 * @param receipt its RECEIPT, or {@code null}
	 * @param receiptId its {@code receipt} header, named by the ERROR of a refusal
	 * @return the handle to {@link #confirmed} it with
	 */
	Object awaiting(OutboundFrame receipt, String receiptId) {
		Entry entry = new Entry(receipt, receiptId, false, false);
		this.waiting.add(entry);
		return entry;
	}

	/** DISCONNECT while confirmations are outstanding: the session ends after them. */
	void disconnect(String receiptId) {
		this.waiting.add(new Entry(null, receiptId, true, true));
	}

	/**
	 * The confirmation of an {@link #awaiting} frame came.
	 * @param refusal why it was not stored, or {@code null}
	 */
	void confirmed(Object handle, String refusal) {
		Entry entry = (Entry) handle;
		entry.ready = true;
		entry.refusal = refusal;
		while (!this.waiting.isEmpty() && this.waiting.peek().ready) {
			Entry head = this.waiting.poll();
			if (head.refusal != null) {
				this.waiting.clear();
				this.sink.refused(head.refusal, head.receiptId);
				return;
			}
			if (head.disconnect) {
				this.waiting.clear();
				this.sink.disconnect(head.receiptId);
				return;
			}
			if (head.receipt != null) {
				this.sink.receipt(head.receipt);
			}
		}
	}

	/** The session ended: nothing more is let through. */
	void clear() {
		this.waiting.clear();
	}

}
