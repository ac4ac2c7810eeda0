package io.herald.transport.websocket;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.herald.security.TokenHandshakeInterceptor;
import io.herald.session.Broker;
import io.herald.transport.ChannelConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of every edge connection, after the HTTP request decoder: an upgrade
 * to the STOMP WebSocket path becomes a {@link WebSocketChannelConnection} on this
 * channel; every other request goes to the servlet container through a
 * {@link ServletRelay}. A connection that has neither upgraded nor sent a request within
 * the connect timeout is closed, so a client cannot hold a socket with a request that
 * never ends.
 *
 * <p>
 * The upgrade is checked before it is answered: only a GET asking for {@code websocket}
 * (400 otherwise), from an allowed origin (403), with a valid {@code access_token} when
 * it carries one (401); Netty's handshaker then negotiates the STOMP sub-protocol and the
 * WebSocket version.
 */
final class EdgeHandler extends ChannelInboundHandlerAdapter {

	static final String DECODER = "http-decoder";

	/** Forwarding headers a client could send to pose as someone else. */
	private static final List<String> SPOOFABLE = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto",
			"X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Ssl", "X-Real-IP");

	private final EdgeSettings settings;

	private ServletRelay relay;

	/** The upgrade request waiting for its end, or {@code null}. */
	private HttpRequest upgrade;

	/** Whether the request being relayed asked for an upgrade: pipe after it. */
	private boolean pipeAfterRequest;

	private boolean piped;

	/** An upgrade request went to the container, whose answer is not in yet. */
	private boolean awaitingSwitch;

	private ScheduledFuture<?> timeout;

	EdgeHandler(EdgeSettings settings) {
		this.settings = settings;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		this.timeout = ctx.executor().schedule(() -> {
			if (this.relay == null) {
				ctx.close();
			}
		}, this.settings.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.awaitingSwitch) {
			// a client sends nothing between an upgrade request and its answer: what it
			// does send (a pipelined request, say) must not reach the container unparsed
			ReferenceCountUtil.release(msg);
			this.relay.close();
			ctx.close();
			return;
		}
		if (this.piped || msg instanceof ByteBuf) {
			relay(ctx).forward(msg);
			return;
		}
		if (msg instanceof HttpRequest request) {
			if (request.decoderResult().isFailure()) {
				ReferenceCountUtil.release(msg);
				refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
				return;
			}
			if (this.settings.path().equals(new QueryStringDecoder(request.uri()).path())) {
				this.upgrade = request;
				if (msg instanceof LastHttpContent last) {
					ReferenceCountUtil.release(last);
					upgrade(ctx);
				}
				return;
			}
			this.pipeAfterRequest = request.headers().contains(HttpHeaderNames.UPGRADE);
			forwarded(ctx, request);
			return;
		}
		if (this.upgrade != null) {
			// an upgrade request's body: ignored
			boolean last = msg instanceof LastHttpContent;
			ReferenceCountUtil.release(msg);
			if (last) {
				upgrade(ctx);
			}
			return;
		}
		if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
			// a broken body (a bad chunk): the request must not reach the container cut
			// short
			ReferenceCountUtil.release(msg);
			if (this.relay != null) {
				this.relay.close();
			}
			ctx.close();
			return;
		}
		if (msg instanceof HttpContent) {
			relay(ctx).forward(msg);
			if (msg instanceof LastHttpContent && this.pipeAfterRequest) {
				// nothing more is read until the container has answered: a 101 turns the
				// connection into a byte pipe, any other answer leaves it HTTP
				this.awaitingSwitch = true;
				ctx.channel().config().setAutoRead(false);
				this.relay.pipeOnSwitch((switched) -> {
					this.awaitingSwitch = false;
					if (switched) {
						this.piped = true;
						ctx.pipeline().remove(DECODER);
					}
					ctx.channel().config().setAutoRead(true);
				});
			}
		}
		else {
			ReferenceCountUtil.release(msg);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (this.relay != null) {
			this.relay.flush();
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (this.relay != null && ctx.channel().isWritable()) {
			this.relay.frontWritable();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancelTimeout();
		if (this.relay != null) {
			this.relay.close();
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

	/** Adds the headers the container trusts from loopback, then relays the request. */
	private void forwarded(ChannelHandlerContext ctx, HttpRequest request) {
		// what the client claims is dropped: the container trusts these from loopback
		for (String claimed : SPOOFABLE) {
			request.headers().remove(claimed);
		}
		request.headers().set("X-Forwarded-For", ChannelConnection.clientAddress(ctx.channel()));
		request.headers().set("X-Forwarded-Proto", this.settings.ssl() != null ? "https" : "http");
		request.headers()
			.set("X-Forwarded-Port", Integer.toString(((InetSocketAddress) ctx.channel().localAddress()).getPort()));
		String host = request.headers().get(HttpHeaderNames.HOST);
		if (host != null) {
			request.headers().set("X-Forwarded-Host", host);
		}
		relay(ctx).forward(request);
	}

	private ServletRelay relay(ChannelHandlerContext ctx) {
		if (this.relay == null) {
			cancelTimeout();
			this.relay = new ServletRelay(ctx.channel(), this.settings.clientChannelType(),
					this.settings.servletAddress().get());
		}
		return this.relay;
	}

	private void upgrade(ChannelHandlerContext ctx) {
		HttpRequest request = this.upgrade;
		this.upgrade = null;
		if (this.relay != null) {
			// a keep-alive connection that carried other requests before
			this.relay.close();
			this.relay = null;
		}
		ctx.pipeline().addBefore(DECODER, "http-encoder", new HttpResponseEncoder());
		if (request.method() != HttpMethod.GET || !HttpHeaderValues.WEBSOCKET
			.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
			refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Can \"Upgrade\" only to \"WebSocket\".");
			return;
		}
		String origin = request.headers().get(HttpHeaderNames.ORIGIN);
		if (origin != null && !this.settings.origins().allows(origin, request.headers().get(HttpHeaderNames.HOST))) {
			refuse(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " is not allowed");
			return;
		}
		String token = TokenHandshakeInterceptor.accessToken(uri(request));
		if (!this.settings.tokens().accepts(token, ChannelConnection.clientAddress(ctx.channel()))) {
			refuse(ctx, HttpResponseStatus.UNAUTHORIZED, "invalid access_token");
			return;
		}
		if (!"13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
			// RFC 6455 only: 426 naming the version spoken
			WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
				.addListener(ChannelFutureListener.CLOSE);
			ctx.channel().config().setAutoRead(false);
			return;
		}
		if (!request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)
				|| !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
			refuse(ctx, HttpResponseStatus.BAD_REQUEST,
					"a WebSocket handshake needs Sec-WebSocket-Key and Connection: Upgrade");
			return;
		}
		FullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
				Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
		WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
			.maxFramePayloadLength(this.settings.maxFramePayload())
			.allowExtensions(false)
			.closeOnProtocolViolation(false)
			.build();
		WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(webSocketUrl(request),
				EdgeSettings.SUB_PROTOCOLS, decoder)
			.newHandshaker(full);
		cancelTimeout();
		Broker broker = this.settings.broker();
		WebSocketChannelConnection connection = new WebSocketChannelConnection(ctx.channel(), token, broker.memory(),
				() -> broker.ingress().memoryAlarm().refusal(), this.settings.frameTooLarge());
		ChannelPipeline pipeline = ctx.pipeline();
		pipeline.replace(this, "stomp", connection);
		// the session exists before the first WebSocket frame can arrive; what it writes
		// goes out after the 101, as the drain runs later on this event loop
		connection.bind(broker.open(connection));
		try {
			handshaker.handshake(ctx.channel(), full).addListener((ChannelFutureListener) (future) -> {
				if (!future.isSuccess()) {
					future.channel().close();
				}
			});
		}
		catch (RuntimeException ex) {
			ctx.channel().close();
			return;
		}
		// the handshaker put its frame decoder where the HTTP decoder was
		pipeline.addBefore("wsdecoder", "codec-budget", connection.codecBudget());
		// a relay that was connecting may have stopped reading
		ctx.channel().config().setAutoRead(true);
	}

	private String webSocketUrl(HttpRequest request) {
		String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
		return (this.settings.ssl() != null ? "wss://" : "ws://") + host + this.settings.path();
	}

	private static URI uri(HttpRequest request) {
		try {
			return URI.create(request.uri());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
		if (ctx.pipeline().get(HttpResponseEncoder.class) == null) {
			ctx.pipeline().addBefore(DECODER, "http-encoder", new HttpResponseEncoder());
		}
		ByteBuf body = Unpooled.copiedBuffer(reason, StandardCharsets.UTF_8);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		// nothing more is read from a refused connection
		ctx.channel().config().setAutoRead(false);
	}

	private void cancelTimeout() {
		if (this.timeout != null) {
			this.timeout.cancel(false);
			this.timeout = null;
		}
	}

}
