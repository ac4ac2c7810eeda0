package io.herald.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Frame;

/**
 * A session's open transactions (STOMP 1.2, "BEGIN", "COMMIT", "ABORT"): SEND, ACK and
 * NACK frames naming a transaction are held here and replayed in order at COMMIT. Used by
 * the session's owner only ({@link Mailbox}).
 *
 * <p>
 * The limit bounds the frames of all open transactions together, and the number of open
 * transactions, so that a client cannot make the broker hold more by opening more
 * transactions.
 */
final class Transactions {

	private final Map<String, List<Frame>> open = new HashMap<>();

	private final int maxFrames;

	private final MemoryBudget memory;

	private int heldFrames;

	private long heldBytes;

	Transactions(int maxFrames) {
		this(maxFrames, MemoryBudget.UNBOUNDED);
	}

	/**
	 * @param memory the node-wide budget the held frames count against
	 */
	Transactions(int maxFrames, MemoryBudget memory) {
		this.maxFrames = maxFrames;
		this.memory = memory;
	}

	void begin(String transaction) throws StompViolation {
		if (this.open.containsKey(transaction)) {
			throw new StompViolation("transaction '" + transaction + "' is already open");
		}
		if (this.open.size() >= this.maxFrames) {
			throw new StompViolation(CloseReason.LIMIT_EXCEEDED, "transaction '" + transaction
					+ "' exceeds the limit of " + this.maxFrames + " open transactions per session");
		}
		this.open.put(transaction, new ArrayList<>());
	}

	void add(String transaction, Frame frame) throws StompViolation {
		List<Frame> frames = find(transaction);
		if (this.heldFrames >= this.maxFrames) {
			throw new StompViolation(CloseReason.LIMIT_EXCEEDED, "transaction '" + transaction
					+ "' exceeds the limit of " + this.maxFrames + " frames held in open transactions");
		}
		frames.add(frame);
		this.heldFrames++;
		long size = sizeOf(frame);
		this.heldBytes += size;
		this.memory.reserve(size);
	}

	List<Frame> commit(String transaction) throws StompViolation {
		List<Frame> frames = find(transaction);
		this.open.remove(transaction);
		this.heldFrames -= frames.size();
		long size = 0;
		for (Frame frame : frames) {
			size += sizeOf(frame);
		}
		this.heldBytes -= size;
		this.memory.release(size);
		return frames;
	}

	void abort(String transaction) throws StompViolation {
		commit(transaction);
	}

	void abortAll() {
		this.open.clear();
		this.heldFrames = 0;
		this.memory.release(this.heldBytes);
		this.heldBytes = 0;
	}

	/** About what a held frame costs: its body and its header text. */
	private static long sizeOf(Frame frame) {
		long size = frame.body().length;
		for (int i = 0; i < frame.headers().size(); i++) {
			size += frame.headers().name(i).length() + frame.headers().value(i).length() + 2;
		}
		return size;
	}

	private List<Frame> find(String transaction) throws StompViolation {
		List<Frame> frames = this.open.get(transaction);
		if (frames == null) {
			throw new StompViolation("unknown transaction '" + transaction + "'");
		}
		return frames;
	}

}
