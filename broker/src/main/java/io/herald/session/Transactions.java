package io.herald.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.herald.protocol.Frame;

/**
 * A session's open transactions (STOMP 1.2, "BEGIN", "COMMIT", "ABORT"): SEND, ACK and
 * NACK frames naming a transaction are held here and replayed in order at COMMIT. Used on
 * the session's thread only; {@link #abortAll} runs after the session closed.
 */
final class Transactions {

	private final Map<String, List<Frame>> open = new HashMap<>();

	private final int maxFrames;

	Transactions(int maxFrames) {
		this.maxFrames = maxFrames;
	}

	synchronized void begin(String transaction) throws StompViolation {
		if (this.open.containsKey(transaction)) {
			throw new StompViolation("transaction '" + transaction + "' is already open");
		}
		this.open.put(transaction, new ArrayList<>());
	}

	synchronized void add(String transaction, Frame frame) throws StompViolation {
		List<Frame> frames = find(transaction);
		if (frames.size() >= this.maxFrames) {
			throw new StompViolation(
					"transaction '" + transaction + "' exceeds the limit of " + this.maxFrames + " frames");
		}
		frames.add(frame);
	}

	synchronized List<Frame> commit(String transaction) throws StompViolation {
		List<Frame> frames = find(transaction);
		this.open.remove(transaction);
		return frames;
	}

	synchronized void abort(String transaction) throws StompViolation {
		find(transaction);
		this.open.remove(transaction);
	}

	synchronized void abortAll() {
		this.open.clear();
	}

	private List<Frame> find(String transaction) throws StompViolation {
		List<Frame> frames = this.open.get(transaction);
		if (frames == null) {
			throw new StompViolation("unknown transaction '" + transaction + "'");
		}
		return frames;
	}

}
