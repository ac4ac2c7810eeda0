package io.herald.transport.tcp;

import java.time.Duration;

import io.herald.session.Broker;
import io.herald.transport.Sockets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * The STOMP/TCP listener. Each connection gets a {@link TcpConnection} and a session;
 * every inbound buffer goes to the session's decoder on the channel's event loop.
 */
public final class StompTcpServer {

	private final Broker broker;

	private final String host;

	private final int port;

	private final SslContext ssl;

	private final EventLoopGroup loops;

	private DisposableServer server;

	/**
	 * @param port the port to listen on, 0 for any free port
	 * @param ssl the TLS context to serve with, or {@code null} for plain TCP
	 * @param loops the event loops to run on, shared with the HTTP edge; owned by the
	 * caller
	 */
	public StompTcpServer(Broker broker, String host, int port, SslContext ssl, EventLoopGroup loops) {
		this.broker = broker;
		this.host = host;
		this.port = port;
		this.ssl = ssl;
		this.loops = loops;
	}

	public synchronized void start() {
		if (this.server != null) {
			return;
		}
		TcpServer listener = TcpServer.create()
			.runOn(this.loops)
			.host(this.host)
			.port(this.port)
			.doOnChannelInit((observer, channel, remote) -> Sockets.configure(channel));
		if (this.ssl != null) {
			listener = listener.secure((spec) -> spec.sslContext(this.ssl));
		}
		this.server = listener.handle((inbound, outbound) -> {
			TcpConnection[] holder = new TcpConnection[1];
			inbound.withConnection((connection) -> holder[0] = open(connection));
			TcpConnection tcp = holder[0];
			return inbound.receive()
				.doOnNext((ByteBuf buffer) -> tcp.session().onBytes(buffer.nioBuffer()))
				.then()
				.onErrorResume((ex) -> Mono.empty());
		}).bindNow(Duration.ofSeconds(10));
	}

	private TcpConnection open(Connection connection) {
		TcpConnection tcp = new TcpConnection(connection.channel());
		connection.addHandlerLast("herald-writability", tcp);
		tcp.bind(this.broker.open(tcp));
		connection.onDispose(() -> tcp.session().onTransportClosed());
		return tcp;
	}

	/** The bound port, once started. */
	public synchronized int port() {
		if (this.server == null) {
			throw new IllegalStateException("the STOMP/TCP server is not started");
		}
		return this.server.port();
	}

	/** The bound address as {@code host:port}, once started. */
	public synchronized String address() {
		return this.host + ":" + port();
	}

	public boolean isSecure() {
		return this.ssl != null;
	}

	public synchronized boolean isRunning() {
		return this.server != null;
	}

	public synchronized void stop() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
			this.server = null;
		}
	}

}
