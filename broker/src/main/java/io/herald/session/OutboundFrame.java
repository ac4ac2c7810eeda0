package io.herald.session;

/**
 * An encoded frame waiting to be written: a per-subscriber head (may be empty) followed
 * by a tail that is shared by every subscriber of one published message. Transports write
 * both parts back to back as one frame (one WebSocket message).
 *
 * @param head bytes that differ per receiver, not to be modified
 * @param tail bytes shared between receivers, not to be modified
 * @param binary whether the frame must travel in a binary WebSocket message
 * @param publishedNanos for a MESSAGE, when its message was accepted for routing
 * ({@link System#nanoTime()}), from which the delivery latency is measured; 0 for other
 * frames
 */
public record OutboundFrame(byte[] head, byte[] tail, boolean binary, long publishedNanos) {

	static final byte[] EMPTY = new byte[0];

	/** A frame that is not a delivery. */
	OutboundFrame(byte[] head, byte[] tail, boolean binary) {
		this(head, tail, binary, 0);
	}

	/** Frame size in bytes. */
	public int length() {
		return this.head.length + this.tail.length;
	}

	/** Both parts in one array, for transports that need it. */
	public byte[] toByteArray() {
		if (this.head.length == 0) {
			return this.tail;
		}
		byte[] all = new byte[length()];
		System.arraycopy(this.head, 0, all, 0, this.head.length);
		System.arraycopy(this.tail, 0, all, this.head.length, this.tail.length);
		return all;
	}

}
