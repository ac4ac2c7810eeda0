package io.herald.transport.websocket;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.herald.memory.MemoryBudget;

import io.herald.session.CloseReason;
import io.herald.session.OutboundFrame;
import io.herald.session.Session;
import io.herald.transport.ChannelConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One STOMP over WebSocket client on a Netty channel, after the upgrade.
 *
 * <p>
 * Inbound: the payload of every data frame (text, binary or continuation) goes straight
 * to the session's incremental decoder on the channel's event loop, so a STOMP frame
 * split over WebSocket fragments needs no aggregation and a WebSocket message may carry
 * several STOMP frames. Pings are answered; a close frame is echoed and ends the
 * connection.
 *
 * <p>
 * Outbound: {@link #wakeUp()} schedules one drain on the event loop, from any thread and
 * without blocking; the drain writes what the session queued while the channel is
 * writable, consecutive text frames together in one WebSocket message of up to
 * {@value #BATCH_BYTES} bytes, binary frames alone, and flushes once. Each message is
 * written once into a pooled direct buffer, the one copy the socket needs anyway (a heap
 * or composite buffer would be copied into one by the transport), so a delivery costs no
 * wrapper objects; the shared part of a fan-out is encoded once and only copied. When
 * Netty's write buffer passes its high watermark the channel turns unwritable and the
 * drain stops: frames then wait in the bounded {@link io.herald.session.Outbound}, where
 * the slow-consumer policy decides, and draining resumes when the channel is writable
 * again.
 */
final class WebSocketChannelConnection extends ChannelConnection {

	/** Most bytes of STOMP frames sent together in one WebSocket message. */
	static final int BATCH_BYTES = 16 * 1024;

	/** Most WebSocket messages one drain writes before it yields the event loop. */
	private static final int MAX_MESSAGES_PER_DRAIN = 256;

	/** How long a close waits for the client's close frame before the socket goes. */
	private static final long CLOSE_GRACE_MILLIS = 2_000;

	private final String handshakeToken;

	private final AtomicBoolean closing = new AtomicBoolean();

	/** A frame polled for a batch it did not fit, written first by the next drain. */
	private OutboundFrame held;

	private final CodecBudget codecBudget;

	private final String frameTooLarge;

	/**
	 * @param memory the node's budget, charged with what the WebSocket codec holds of
	 * frames still arriving
	 * @param alarmRefusal the ERROR message for a frame that grows while the memory alarm
	 * is engaged
	 * @param frameTooLarge the ERROR message for a WebSocket frame the codec refuses as
	 * too large
	 */
	WebSocketChannelConnection(Channel channel, String handshakeToken, MemoryBudget memory,
			Supplier<String> alarmRefusal, String frameTooLarge) {
		super(channel);
		this.frameTooLarge = frameTooLarge;
		this.codecBudget = new CodecBudget(memory, alarmRefusal);
		this.handshakeToken = handshakeToken;
	}

	@Override
	public void bind(Session session) {
		this.channel.closeFuture().addListener((future) -> session.onTransportClosed());
		super.bind(session);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			if (msg instanceof WebSocketFrame frame) {
				this.codecBudget.decoded(frame.content().readableBytes());
			}
			if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
					|| msg instanceof ContinuationWebSocketFrame) {
				ByteBuf content = ((WebSocketFrame) msg).content();
				if (content.isReadable()) {
					session().onBytes(content.nioBuffer());
				}
			}
			else if (msg instanceof PingWebSocketFrame ping) {
				// a client that pings without reading gets no pongs piling up
				if (!this.closing.get() && ctx.channel().isWritable()) {
					ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
				}
			}
			else if (msg instanceof CloseWebSocketFrame) {
				// the client ends the session: nothing more is read; echo the close
				// (unless
				// ours went first) and let the socket go, at the latest after the grace
				ctx.channel().config().setAutoRead(false);
				if (this.closing.compareAndSet(false, true)) {
					ctx.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
					closeAfterGrace();
				}
				else {
					ctx.close();
				}
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	/** The handler to put in front of the WebSocket codec, counting what it holds. */
	ChannelInboundHandlerAdapter codecBudget() {
		return this.codecBudget;
	}

	/**
	 * A WebSocket frame the codec refused (too large, masked wrongly, a bad opcode) ends
	 * the session with an ERROR naming it and the close code that goes with it; any other
	 * failure (a reset) just closes, and the session learns it from the close.
	 */
	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Session current = session();
		if (cause instanceof CorruptedWebSocketFrameException corrupted && current != null) {
			// the codec discards the rest: nothing more is read, or counted
			ctx.channel().config().setAutoRead(false);
			if (corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
				current.onTransportViolation(CloseReason.FRAME_TOO_LARGE, this.frameTooLarge);
			}
			else {
				current.onTransportViolation(CloseReason.PROTOCOL_VIOLATION,
						"WebSocket frame refused: " + corrupted.getMessage());
			}
			return;
		}
		ctx.close();
	}

	@Override
	protected void drain() {
		Session current = session();
		if (!this.channel.isActive() || this.closing.get()) {
			return;
		}
		int messages = 0;
		while (this.channel.isWritable() && messages < MAX_MESSAGES_PER_DRAIN) {
			WebSocketFrame message = nextMessage(current);
			if (message == null) {
				break;
			}
			this.channel.write(message, this.channel.voidPromise());
			messages++;
		}
		if (messages > 0) {
			this.channel.flush();
		}
		if (this.held == null && current.outbound().isEmpty()) {
			if (current.outbound().isCloseWhenDrained()) {
				close();
			}
		}
		else if (this.channel.isWritable()) {
			wakeUp();
		}
	}

	/**
	 * The next WebSocket message: a binary frame alone, or as many consecutive text
	 * frames as fit {@value #BATCH_BYTES} bytes (at least one).
	 */
	private WebSocketFrame nextMessage(Session current) {
		OutboundFrame frame = this.held;
		this.held = null;
		if (frame == null) {
			frame = current.outbound().poll();
			if (frame == null) {
				return null;
			}
		}
		if (frame.binary()) {
			return new BinaryWebSocketFrame(copy(frame, this.channel.alloc().directBuffer(frame.length())));
		}
		OutboundFrame more = current.outbound().poll();
		if (more == null || more.binary() || frame.length() + more.length() > BATCH_BYTES) {
			this.held = more;
			return new TextWebSocketFrame(copy(frame, this.channel.alloc().directBuffer(frame.length())));
		}
		ByteBuf batch = copy(frame, this.channel.alloc().directBuffer(BATCH_BYTES));
		while (more != null && !more.binary() && batch.readableBytes() + more.length() <= BATCH_BYTES) {
			copy(more, batch);
			more = current.outbound().poll();
		}
		this.held = more;
		return new TextWebSocketFrame(batch);
	}

	/**
	 * Sends the close frame for why the session ended (RFC 6455, 7.4.1) after what is
	 * already written, then closes the socket once the client answers or after a grace
	 * period. Idempotent, from any thread.
	 */
	@Override
	public void close() {
		if (!this.closing.compareAndSet(false, true)) {
			// a close handshake is under way: it ends with the grace period at the latest
			closeAfterGrace();
			return;
		}
		this.channel.eventLoop().execute(() -> {
			if (!this.channel.isActive()) {
				return;
			}
			int code = closeCode(session());
			CloseWebSocketFrame frame = (code == 0) ? new CloseWebSocketFrame(1000, "")
					: new CloseWebSocketFrame(code, session().closeReason().tag());
			this.channel.writeAndFlush(frame);
			closeAfterGrace();
		});
	}

	/**
	 * Closes the socket after the grace period, whatever the client does: one that
	 * stopped reading cannot hold it open by never taking the close frame.
	 */
	private void closeAfterGrace() {
		this.channel.eventLoop().schedule(() -> this.channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
	}

	/** The close code for the session's close reason, or 0 for a normal close. */
	static int closeCode(Session session) {
		CloseReason reason = (session != null) ? session.closeReason() : null;
		if (reason == null || reason.webSocketCode() == 1005 || reason.webSocketCode() == 1006) {
			return 0;
		}
		return reason.webSocketCode();
	}

	/**
	 * Counts the bytes Netty's WebSocket codec holds for a frame still arriving (it
	 * buffers each frame whole) against the node's memory budget, from the read to the
	 * frame's hand-over; a client frame's header size follows from its payload length, as
	 * client frames are always masked, so the count is exact. While the memory alarm is
	 * engaged, a frame that keeps growing ends its session, as a partly received STOMP
	 * frame does.
	 */
	private final class CodecBudget extends ChannelInboundHandlerAdapter {

		/** A frame in progress beyond this much counts as growing under the alarm. */
		private static final int ALARM_SLACK = 64 * 1024;

		private final MemoryBudget memory;

		private final Supplier<String> alarmRefusal;

		private long held;

		CodecBudget(MemoryBudget memory, Supplier<String> alarmRefusal) {
			this.memory = memory;
			this.alarmRefusal = alarmRefusal;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf bytes) {
				int count = bytes.readableBytes();
				this.held += count;
				this.memory.reserve(count);
				if (this.held > ALARM_SLACK && this.memory.isAlarmed()) {
					bytes.release();
					ctx.channel().config().setAutoRead(false);
					Session current = session();
					if (current != null) {
						current.onTransportViolation(CloseReason.LIMIT_EXCEEDED, this.alarmRefusal.get());
					}
					return;
				}
			}
			ctx.fireChannelRead(msg);
		}

		/** A frame of this payload left the codec. */
		void decoded(int payload) {
			int header = 2 + ((payload < 126) ? 0 : (payload < 65536) ? 2 : 8) + 4;
			long bytes = Math.min(this.held, (long) header + payload);
			this.held -= bytes;
			this.memory.release(bytes);
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext ctx) {
			this.memory.release(this.held);
			this.held = 0;
		}

	}

	@Override
	public String kind() {
		return "websocket";
	}

	@Override
	public String handshakeToken() {
		return this.handshakeToken;
	}

}
