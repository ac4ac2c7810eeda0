package io.herald.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

	private int heldFrames;

	Transactions(int maxFrames) {
		this.maxFrames = maxFrames;
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
	}

	List<Frame> commit(String transaction) throws StompViolation {
		List<Frame> frames = find(transaction);
		this.open.remove(transaction);
		this.heldFrames -= frames.size();
		return frames;
	}

	void abort(String transaction) throws StompViolation {
		commit(transaction);
	}

	void abortAll() {
		this.open.clear();
		this.heldFrames = 0;
	}

	private List<Frame> find(String transaction) throws StompViolation {
		List<Frame> frames = this.open.get(transaction);
		if (frames == null) {
			throw new StompViolation("unknown transaction '" + transaction + "'");
		}
		return frames;
	}

}
