package io.herald.bench.targets;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The fan-out ceiling: a bare Netty WebSocket server that speaks just enough STOMP to be
 * driven by the bench generator, with no broker logic (no heart-beats, no ack modes, no
 * limits, no authentication, no slow-consumer policy). Whatever rate it reaches on this
 * machine is the most any STOMP broker could reach here.
 *
 * <p>
 * Usage: {@code java -cp ... io.herald.bench.targets.CeilingTarget --port=N}. Prints
 * {@code READY ws://127.0.0.1:N/ws} once the port accepts connections.
 */
public final class CeilingTarget implements AutoCloseable {

	static final String PATH = "/ws";

	static final String SUBPROTOCOLS = "v12.stomp,v11.stomp,v10.stomp";

	/** Largest inbound WebSocket message (and STOMP frame) accepted, in bytes. */
	static final int MAX_FRAME_BYTES = 64 * 1024;

	private final EventLoopGroup group;

	private final Channel serverChannel;

	private CeilingTarget(EventLoopGroup group, Channel serverChannel) {
		this.group = group;
		this.serverChannel = serverChannel;
	}

	/**
	 * Starts the server on 127.0.0.1.
	 * @param port the port, or 0 for an ephemeral one
	 * @return the running server
	 * @throws InterruptedException if interrupted while binding
	 */
	public static CeilingTarget start(int port) throws InterruptedException {
		boolean epoll = Epoll.isAvailable();
		IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
				: NioServerSocketChannel.class;
		// One group for accept and I/O: with two cores a separate boss thread buys
		// nothing.
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), ioHandler);
		Map<String, CopyOnWriteArrayList<CeilingSubscription>> subscriptions = new ConcurrentHashMap<>();
		WebSocketServerProtocolConfig wsConfig = WebSocketServerProtocolConfig.newBuilder()
			.websocketPath(PATH)
			.subprotocols(SUBPROTOCOLS)
			.maxFramePayloadLength(MAX_FRAME_BYTES)
			.build();
		try {
			Channel server = new ServerBootstrap().group(group)
				.channel(channelType)
				.option(ChannelOption.SO_BACKLOG, 1024)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childHandler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel ch) {
						ch.pipeline()
							.addLast(new HttpServerCodec())
							.addLast(new HttpObjectAggregator(MAX_FRAME_BYTES))
							.addLast(new WebSocketServerProtocolHandler(wsConfig))
							.addLast(new WebSocketFrameAggregator(MAX_FRAME_BYTES))
							.addLast(new CeilingStompHandler(subscriptions));
					}
				})
				.bind(new InetSocketAddress("127.0.0.1", port))
				.sync()
				.channel();
			return new CeilingTarget(group, server);
		}
		catch (InterruptedException | RuntimeException ex) {
			group.shutdownGracefully();
			throw ex;
		}
	}

	/**
	 * Returns the bound port.
	 * @return the port the server listens on
	 */
	public int port() {
		return ((InetSocketAddress) this.serverChannel.localAddress()).getPort();
	}

	@Override
	public void close() {
		this.serverChannel.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
	}

	public static void main(String[] args) throws InterruptedException {
		CeilingTarget target = start(TargetArguments.port(args));
		Runtime.getRuntime().addShutdownHook(new Thread(target::close, "ceiling-shutdown"));
		TargetArguments.printReady(target.port());
		target.serverChannel.closeFuture().sync();
	}

}
