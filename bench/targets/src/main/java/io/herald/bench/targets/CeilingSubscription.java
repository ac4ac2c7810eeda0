package io.herald.bench.targets;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A SUBSCRIBE of one connection. Holds the only per-subscriber bytes of a MESSAGE frame,
 * {@code MESSAGE\nsubscription:ID\n}, encoded once at subscribe time.
 */
final class CeilingSubscription {

	private final CeilingConnection connection;

	private final String id;

	private final String destination;

	private final ByteBuf frameHead;

	CeilingSubscription(CeilingConnection connection, String id, String destination) {
		this.connection = connection;
		this.id = id;
		this.destination = destination;
		this.frameHead = Unpooled.unreleasableBuffer(
				Unpooled.wrappedBuffer(("MESSAGE\nsubscription:" + id + "\n").getBytes(StandardCharsets.UTF_8)));
	}

	String id() {
		return this.id;
	}

	String destination() {
		return this.destination;
	}

	/**
	 * Sends one MESSAGE: this subscription's head followed by the shared rest of the
	 * frame.
	 * @param sharedTail the headers after {@code subscription}, blank line, body and NUL;
	 * not consumed (a retained duplicate is sent)
	 */
	void deliver(ByteBuf sharedTail) {
		this.connection.send(Unpooled.wrappedBuffer(this.frameHead.duplicate(), sharedTail.retainedDuplicate()));
	}

}
