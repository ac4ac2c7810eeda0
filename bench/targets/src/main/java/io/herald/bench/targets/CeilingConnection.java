package io.herald.bench.targets;

import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One client connection of the {@link CeilingTarget}. All mutable state is owned by the
 * channel's event loop; other loops hand writes over with {@link EventLoop#execute}.
 *
 * <p>
 * Flush batching: a write schedules at most one flush task on the channel's loop, so
 * every frame queued before that task runs (a whole inbound read batch, or a burst of
 * fan-out from other loops) goes out in one syscall. There is no writability check: the
 * ceiling drops nothing and lets the outbound buffer grow.
 */
final class CeilingConnection {

	private final Channel channel;

	/** Subscriptions of this connection by subscription id; event-loop confined. */
	private final Map<String, CeilingSubscription> subscriptions = new HashMap<>();

	/**
	 * Reply with binary frames when the client sent binary frames (bodies need not be
	 * UTF-8).
	 */
	private boolean binary;

	private boolean flushScheduled;

	private long messageSequence;

	CeilingConnection(Channel channel) {
		this.channel = channel;
	}

	Channel channel() {
		return this.channel;
	}

	void binary(boolean binary) {
		this.binary = binary;
	}

	Map<String, CeilingSubscription> subscriptions() {
		return this.subscriptions;
	}

	long nextMessageSequence() {
		return ++this.messageSequence;
	}

	/**
	 * Writes a frame built from the given payload, from any thread. Takes ownership of
	 * the payload.
	 * @param payload the complete STOMP frame bytes
	 */
	void send(ByteBuf payload) {
		WebSocketFrame frame = this.binary ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload);
		EventLoop loop = this.channel.eventLoop();
		if (loop.inEventLoop()) {
			writeAndScheduleFlush(frame);
		}
		else {
			loop.execute(() -> writeAndScheduleFlush(frame));
		}
	}

	private void writeAndScheduleFlush(WebSocketFrame frame) {
		this.channel.write(frame, this.channel.voidPromise());
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			this.channel.eventLoop().execute(this::flush);
		}
	}

	private void flush() {
		this.flushScheduled = false;
		this.channel.flush();
	}

}
