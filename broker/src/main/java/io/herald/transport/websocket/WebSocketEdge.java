package io.herald.transport.websocket;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

import io.herald.security.TokenHandshakeInterceptor;
import io.herald.session.Broker;
import io.herald.transport.Sockets;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.SslContext;

/**
 * Herald's one public HTTP port, on Netty: STOMP over WebSocket on {@code /ws} is served
 * here, on the connection's event loop, and every other request (SockJS, actuator, the
 * admin API) is relayed to the servlet container, which listens on loopback only. So the
 * hot path never touches the servlet stack, and users still see one port.
 *
 * <p>
 * Each connection starts with an HTTP request decoder and an {@link EdgeHandler}, which
 * decides per request; an upgraded connection's pipeline is the WebSocket codec and its
 * {@link WebSocketChannelConnection}, nothing else.
 */
public final class WebSocketEdge {

	/** Longest request line and header block accepted, as Tomcat's defaults. */
	private static final int MAX_INITIAL_LINE = 8 * 1024;

	private static final int MAX_HEADERS = 16 * 1024;

	private final String host;

	private final int port;

	private final EdgeSettings settings;

	private final EventLoopGroup group;

	private final Class<? extends ServerChannel> serverChannelType;

	private Channel server;

	/**
	 * @param host the address to bind
	 * @param port the port, 0 for any free one
	 * @param path the STOMP WebSocket path
	 * @param ssl the TLS context, or {@code null} for plain HTTP
	 * @param allowedOrigins {@code herald.websocket.allowed-origins}
	 * @param maxFrameSize {@code herald.limits.max-frame-size}
	 * @param connectTimeoutMillis how long a new connection may take to send a request
	 * @param group the event loops; owned by the caller
	 * @param channelTypes the server and client socket channel classes for the group
	 * @param servletAddress where the servlet container listens, asked at each relayed
	 * connection
	 */
	public WebSocketEdge(Broker broker, TokenHandshakeInterceptor tokens, String host, int port, String path,
			SslContext ssl, List<String> allowedOrigins, int maxFrameSize, long connectTimeoutMillis,
			EventLoopGroup group, ChannelTypes channelTypes, Supplier<InetSocketAddress> servletAddress) {
		this.host = host;
		this.port = port;
		this.group = group;
		this.serverChannelType = channelTypes.server();
		this.settings = new EdgeSettings(broker, path, ssl, tokens, new AllowedOrigins(allowedOrigins), maxFrameSize,
				connectTimeoutMillis, channelTypes.client(), servletAddress);
	}

	/**
	 * The socket channel classes that go with an event loop group.
	 *
	 * @param server the listening channel class
	 * @param client the connecting channel class
	 */
	public record ChannelTypes(Class<? extends ServerChannel> server, Class<? extends Channel> client) {
	}

	public synchronized void start() {
		if (this.server != null) {
			return;
		}
		SslContext ssl = this.settings.ssl();
		this.server = new ServerBootstrap().group(this.group)
			.channel(this.serverChannelType)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<>() {
				@Override
				protected void initChannel(Channel channel) {
					Sockets.configure(channel);
					if (ssl != null) {
						channel.pipeline().addLast("tls", ssl.newHandler(channel.alloc()));
					}
					channel.pipeline()
						.addLast(EdgeHandler.DECODER, new HttpRequestDecoder(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
						.addLast("edge", new EdgeHandler(WebSocketEdge.this.settings));
				}
			})
			.bind(this.host, this.port)
			.syncUninterruptibly()
			.channel();
	}

	/** Stops accepting; open connections are the broker's to end. */
	public synchronized void stop() {
		if (this.server != null) {
			this.server.close().syncUninterruptibly();
			this.server = null;
		}
	}

	/** The bound port, once started. */
	public synchronized int port() {
		if (this.server == null) {
			throw new IllegalStateException("the HTTP edge is not started");
		}
		return ((InetSocketAddress) this.server.localAddress()).getPort();
	}

	public boolean isSecure() {
		return this.settings.ssl() != null;
	}

}
