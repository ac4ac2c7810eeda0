package io.herald.transport.websocket;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.util.ReferenceCountUtil;

/**
 * Carries one edge connection's HTTP requests that are not the STOMP WebSocket (actuator,
 * SockJS, the admin API) to the servlet container listening on loopback, over one backend
 * connection of its own, so requests and responses keep their order without any
 * bookkeeping. Requests go decoded, so that each gets the {@code X-Forwarded-*} headers
 * the container trusts from loopback; responses come back as raw bytes. After an
 * {@code Upgrade} request (SockJS's WebSocket transport) both directions become a plain
 * byte pipe.
 *
 * <p>
 * Flow control both ways: the side that cannot write stops the other from reading until
 * it can. Everything runs on the edge connection's event loop, which the backend
 * connection shares.
 */
final class ServletRelay {

	private static final String ENCODER = "relay-encoder";

	private final Channel front;

	private final Channel backend;

	private static final String SWITCHING = "HTTP/1.1 101";

	/** Told whether the container switched protocols for the pending upgrade, or null. */
	private Consumer<Boolean> onSwitch;

	/** Set once the client's connection stops relaying: the backend may go quietly. */
	private boolean detached;

	/** Written before the backend connected, in order. */
	private ArrayDeque<Object> pending = new ArrayDeque<>();

	ServletRelay(Channel front, Class<? extends Channel> channelType, InetSocketAddress servlet) {
		this.front = front;
		front.config().setAutoRead(false);
		this.backend = new Bootstrap().group(front.eventLoop())
			.channel(channelType)
			.option(ChannelOption.TCP_NODELAY, true)
			.handler(new ChannelInitializer<>() {
				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline().addLast(ENCODER, new HttpRequestEncoder()).addLast(new Backend());
				}
			})
			.connect(servlet)
			.addListener((ChannelFutureListener) (future) -> connected(future.isSuccess()))
			.channel();
	}

	private void connected(boolean success) {
		ArrayDeque<Object> queued = this.pending;
		this.pending = null;
		if (this.detached) {
			// the client's connection moved on (upgraded, or closed) while connecting
			queued.forEach(ReferenceCountUtil::safeRelease);
			this.backend.close();
			return;
		}
		if (!success) {
			queued.forEach(ReferenceCountUtil::safeRelease);
			this.front.writeAndFlush(
					Unpooled.copiedBuffer("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
							StandardCharsets.US_ASCII))
				.addListener(ChannelFutureListener.CLOSE);
			return;
		}
		for (Object message : queued) {
			this.backend.write(message, this.backend.voidPromise());
		}
		this.backend.flush();
		this.front.config().setAutoRead(true);
	}

	/** Passes a decoded request part, or raw bytes once piped, to the container. */
	void forward(Object message) {
		if (this.pending != null) {
			this.pending.add(message);
			return;
		}
		this.backend.write(message, this.backend.voidPromise());
	}

	/** The end of a read from the client: what was forwarded goes out. */
	void flush() {
		if (this.pending == null) {
			this.backend.flush();
			if (!this.backend.isWritable()) {
				this.front.config().setAutoRead(false);
			}
		}
	}

	/**
	 * The upgrade request went out: when the container's answer starts with a {@code 101}
	 * status line, both directions become a byte pipe; any other answer leaves the relay
	 * as it is. Either way {@code answered} is told which (on the event loop, once the
	 * answer's first bytes are passed on).
	 */
	void pipeOnSwitch(Consumer<Boolean> answered) {
		this.onSwitch = answered;
	}

	private void removeEncoder() {
		if (this.backend.pipeline().get(ENCODER) != null) {
			this.backend.pipeline().remove(ENCODER);
		}
	}

	private static boolean switchesProtocols(Object message) {
		if (!(message instanceof ByteBuf bytes) || bytes.readableBytes() < SWITCHING.length()) {
			return false;
		}
		String status = bytes.toString(bytes.readerIndex(), SWITCHING.length(), StandardCharsets.US_ASCII);
		return status.equals(SWITCHING) || status.equals("HTTP/1.0 101");
	}

	/** The client can take more: read the container's answer again. */
	void frontWritable() {
		this.backend.config().setAutoRead(true);
	}

	/**
	 * Ends the backend connection; the client's stays as it is (it may have upgraded to
	 * the STOMP WebSocket, or be closing already).
	 */
	void close() {
		this.detached = true;
		this.backend.close();
	}

	/** The backend connection's reading side: its bytes go to the client as they are. */
	private final class Backend extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (ServletRelay.this.detached) {
				ReferenceCountUtil.release(msg);
				return;
			}
			Consumer<Boolean> answered = ServletRelay.this.onSwitch;
			ServletRelay.this.onSwitch = null;
			boolean pipe = answered != null && switchesProtocols(msg);
			ServletRelay.this.front.write(msg, ServletRelay.this.front.voidPromise());
			if (pipe) {
				removeEncoder();
			}
			if (answered != null) {
				answered.accept(pipe);
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ServletRelay.this.front.flush();
			if (!ServletRelay.this.front.isWritable()) {
				ctx.channel().config().setAutoRead(false);
			}
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) {
			if (ctx.channel().isWritable()) {
				ServletRelay.this.front.config().setAutoRead(true);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!ServletRelay.this.detached) {
				// the container ended the connection: so does the client's, once written
				ServletRelay.this.front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
