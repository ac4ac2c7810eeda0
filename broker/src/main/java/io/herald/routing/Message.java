package io.herald.routing;

import java.util.concurrent.atomic.AtomicReferenceArray;

import io.herald.protocol.Headers;

/**
 * One published message as the router moves it: its destination, the headers the
 * publisher set (custom ones included), the body and a broker-wide id. Immutable except
 * for an encoding cache that the delivering side fills once per protocol version, so that
 * a fan-out to many subscribers encodes the shared part of the MESSAGE frame once.
 */
public final class Message {

	/** Object headers and references of a message, its arrays and strings. */
	private static final int OVERHEAD = 160;

	/** The two strings of one header and their references. */
	private static final int HEADER_OVERHEAD = 56;

	private final String destination;

	private final Headers headers;

	private final byte[] body;

	private final String messageId;

	private final boolean binary;

	/**
	 * For a message of a retaining topic, its place in the retained values' order (only
	 * grows); 0 for others. Set before the fan-out, on the publishing thread.
	 */
	private volatile long retainSequence;

	/** Whether the SEND asked {@code x-herald-retain:true}. */
	private final boolean retainRequested;

	/**
	 * For a message of a topic with history: its offset there and the history's epoch; 0
	 * and {@code null} for others. Set before the fan-out, on the publishing thread.
	 */
	private volatile long offset;

	private volatile String epoch;

	/** Run when a queue message is settled; {@code null} for none. */
	private volatile Runnable settlement;

	/** The rule of the topic it was published to; {@code null} for other kinds. */
	private volatile TopicRules.Rule rule;

	/** The sender and the SEND's {@code x-herald-idempotency-key}, or {@code null}. */
	private String idempotencyKey;

	/** When the message was made, that is accepted for routing. */
	private final long publishedNanos = System.nanoTime();

	/** {@link #footprint()}, once asked for; 0 before (it is never 0 after). */
	private volatile long footprint;

	private final AtomicReferenceArray<Object> encodings = new AtomicReferenceArray<>(8);

	public Message(String destination, Headers headers, byte[] body, String messageId, boolean binary) {
		this(destination, headers, body, messageId, binary, false);
	}

	/**
	 * @param retainRequested whether the SEND asked {@code x-herald-retain:true}
	 */
	public Message(String destination, Headers headers, byte[] body, String messageId, boolean binary,
			boolean retainRequested) {
		this.retainRequested = retainRequested;
		this.destination = destination;
		this.headers = headers;
		this.body = body;
		this.messageId = messageId;
		this.binary = binary;
	}

	public String destination() {
		return this.destination;
	}

	/** Headers to pass on to subscribers, already stripped of frame-control headers. */
	public Headers headers() {
		return this.headers;
	}

	public byte[] body() {
		return this.body;
	}

	public String messageId() {
		return this.messageId;
	}

	/**
	 * When the message was accepted for routing, as {@link System#nanoTime()}: where the
	 * delivery latency starts.
	 */
	public long publishedNanos() {
		return this.publishedNanos;
	}

	/** Whether the SEND asked {@code x-herald-retain:true}. */
	public boolean isRetainRequested() {
		return this.retainRequested;
	}

	/**
	 * The message's place among retained values (only grows), or 0 when it is not of a
	 * retaining topic: a subscription compares it with the retained value it was shown.
	 */
	public long retainSequence() {
		return this.retainSequence;
	}

	void setRetainSequence(long sequence) {
		this.retainSequence = sequence;
	}

	/**
	 * The message's offset in its topic's history (one more than the message before), or
	 * 0 when the topic keeps no history.
	 */
	public long offset() {
		return this.offset;
	}

	/** The epoch of the history the {@link #offset()} counts in, or {@code null}. */
	public String epoch() {
		return this.epoch;
	}

	/**
	 * The rule of the topic the message was published to (what subscribers that fall
	 * behind get), or {@code null} for a queue or user-queue message.
	 */
	public TopicRules.Rule rule() {
		return this.rule;
	}

	void setRule(TopicRules.Rule rule) {
		this.rule = rule;
	}

	/**
	 * What to run once this queue message is settled on this node: acknowledged by the
	 * consumer it was handed to (or written to one that does not acknowledge). The
	 * cluster backplane acknowledges it upstream there. Set before the message is routed.
	 */
	public void onSettled(Runnable settlement) {
		this.settlement = settlement;
	}

	/** Runs what {@link #onSettled} set, once; for the queues. */
	void settled() {
		Runnable settle;
		synchronized (this) {
			// once, however many threads settle it
			settle = this.settlement;
			this.settlement = null;
		}
		if (settle != null) {
			settle.run();
		}
	}

	/** The sender-scoped idempotency key of the SEND, or {@code null}. */
	String idempotencyKey() {
		return this.idempotencyKey;
	}

	void setIdempotencyKey(String key) {
		this.idempotencyKey = key;
	}

	void setOffset(String epoch, long offset) {
		this.epoch = epoch;
		this.offset = offset;
	}

	/** Whether the body is not UTF-8 text and must travel in binary transport frames. */
	public boolean isBinary() {
		return this.binary;
	}

	/**
	 * The cached encoding for a slot, or {@code null}. Racing writers store equal values,
	 * so the race is benign; the array publishes them safely.
	 */
	public Object encoding(int slot) {
		return this.encodings.get(slot);
	}

	public void setEncoding(int slot, Object encoding) {
		this.encodings.set(slot, encoding);
	}

	/**
	 * Roughly the heap the message takes as sent: body, destination and headers plus a
	 * fixed overhead per object. What a queue charges for holding it; the encoding cached
	 * once it has been delivered is not counted.
	 */
	public long footprint() {
		long bytes = this.footprint;
		if (bytes == 0) {
			// racing threads compute the same value: the race is benign
			bytes = OVERHEAD + this.body.length + this.destination.length() + this.messageId.length();
			for (int i = 0; i < this.headers.size(); i++) {
				bytes += HEADER_OVERHEAD + this.headers.name(i).length() + this.headers.value(i).length();
			}
			this.footprint = bytes;
		}
		return bytes;
	}

	@Override
	public String toString() {
		return "Message[" + this.messageId + " to " + this.destination + ", " + this.body.length + " bytes]";
	}

}
