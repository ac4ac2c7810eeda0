package io.herald.transport.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import io.herald.security.Identity;
import io.herald.security.TokenHandshakeInterceptor;
import io.herald.support.BrokerHarness;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's relay to the servlet container, against a stand-in container on loopback:
 * requests get the forwarded headers the container trusts, whatever the client claimed;
 * keep-alive connections relay every request; an upgrade to another path becomes a byte
 * pipe; a missing container is a 502; a connection that never sends a request is closed.
 */
class ServletRelayTest {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final AtomicReference<InetSocketAddress> servlet = new AtomicReference<>();

	private final WebSocketEdge edge = new WebSocketEdge(BrokerHarness.create().broker(),
			new TokenHandshakeInterceptor((credentials) -> Identity.anonymous()), "127.0.0.1", 0, "/ws", null,
			List.of("*"), 64 * 1024, 300, this.group,
			new WebSocketEdge.ChannelTypes(NioServerSocketChannel.class, NioSocketChannel.class), this.servlet::get);

	private HttpServer container;

	@AfterEach
	void stop() {
		this.edge.stop();
		if (this.container != null) {
			this.container.stop(0);
		}
		this.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void relayedRequestsCarryTheClientsAddressAndTheEdgesSchemeWhateverTheClientClaimed() throws IOException {
		Map<String, String> seen = startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.7")) {
			send(client, "GET /actuator/health HTTP/1.1\r\nHost: broker.test:8080\r\nX-Forwarded-For: 6.6.6.6\r\n"
					+ "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\n\r\n");
			assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 200")
				.endsWith("ok /actuator/health");
		}
		assertThat(seen).containsEntry("X-forwarded-for", "127.0.0.7")
			.containsEntry("X-forwarded-proto", "http")
			.containsEntry("X-forwarded-host", "broker.test:8080")
			.containsEntry("X-forwarded-port", Integer.toString(this.edge.port()))
			.containsEntry("Host", "broker.test:8080");
	}

	@Test
	void anUpgradeTheContainerDoesNotSwitchLeavesTheConnectionHttp() throws IOException {
		Map<String, String> seen = startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			send(client, "GET /actuator/health HTTP/1.1\r\nHost: h\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n");
			assertThat(readResponse(client.getInputStream())).startsWith("HTTP/1.1 200")
				.endsWith("ok /actuator/health");
			send(client, "GET /after HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
			assertThat(readResponse(client.getInputStream())).endsWith("ok /after");
		}
		assertThat(seen).as("parsed and given the edge's headers, not piped")
			.containsEntry(":path", "/after")
			.containsEntry("X-forwarded-for", "127.0.0.1");
	}

	@Test
	void nothingSentBehindAnUpgradeRequestReachesTheContainerUnparsed() throws IOException {
		Map<String, String> seen = startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			send(client, "GET /actuator/health HTTP/1.1\r\nHost: h\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n"
					+ "GET /smuggled HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
			client.getInputStream().readAllBytes();
		}
		assertThat(seen).as("the second request never reached the container").doesNotContainEntry(":path", "/smuggled");
	}

	@Test
	void everyRequestOfAKeepAliveConnectionIsRelayedInOrder() throws IOException {
		startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			for (String path : List.of("/one", "/two", "/three")) {
				send(client, "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n");
				assertThat(readResponse(client.getInputStream())).endsWith("ok " + path);
			}
		}
	}

	@Test
	void aKeepAliveConnectionUpgradesToStompAfterRelayedRequests() throws IOException {
		startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			send(client, "GET /actuator/health HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(readResponse(client.getInputStream())).endsWith("ok /actuator/health");
			send(client,
					"GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
							+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
							+ "Sec-WebSocket-Protocol: v12.stomp\r\n\r\n");
			String head = readHead(client.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: v12.stomp");
			byte[] connect = "CONNECT\naccept-version:1.2\nhost:h\n\n\0".getBytes(StandardCharsets.UTF_8);
			// a client frame: FIN + text, masked with a zero key (so the payload reads as
			// sent)
			ByteArrayOutputStream frame = new ByteArrayOutputStream();
			frame.write(0x81);
			frame.write(0x80 | connect.length);
			frame.write(new byte[4]);
			frame.write(connect);
			client.getOutputStream().write(frame.toByteArray());
			byte[] header = client.getInputStream().readNBytes(2);
			assertThat(header[0] & 0xff).as("a text frame from the broker").isEqualTo(0x81);
			int length = header[1] & 0x7f;
			if (length == 126) {
				byte[] extended = client.getInputStream().readNBytes(2);
				length = ((extended[0] & 0xff) << 8) | (extended[1] & 0xff);
			}
			byte[] payload = client.getInputStream().readNBytes(length);
			assertThat(new String(payload, StandardCharsets.UTF_8)).startsWith("CONNECTED\nversion:1.2");
		}
	}

	@Test
	void anUpgradeToAnotherPathBecomesABytePipe() throws Exception {
		try (ServerSocket upgrading = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			this.servlet.set((InetSocketAddress) upgrading.getLocalSocketAddress());
			Thread echo = new Thread(() -> switchAndEcho(upgrading));
			echo.start();
			this.edge.start();
			try (Socket client = clientFrom("127.0.0.1")) {
				send(client, "GET /sockjs/1/abc/websocket HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
						+ "Connection: Upgrade\r\n\r\n");
				assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 101");
				// not HTTP: relayed as it is, both ways
				byte[] bytes = { (byte) 0x81, 0x05, 'h', 'e', 'l', 'l', 'o', 0, (byte) 0xff };
				client.getOutputStream().write(bytes);
				assertThat(client.getInputStream().readNBytes(bytes.length)).isEqualTo(bytes);
			}
			echo.join(5_000);
		}
	}

	@Test
	void noContainerIsABadGateway() throws IOException {
		try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			this.servlet.set((InetSocketAddress) closed.getLocalSocketAddress());
		}
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			send(client, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 502");
		}
	}

	@Test
	void aConnectionThatNeverCompletesARequestIsClosed() throws IOException {
		startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			client.setSoTimeout(5_000);
			send(client, "GET /slow HTTP/1.1\r\nHost: h\r\nX-Slow: ");
			assertThat(client.getInputStream().read()).as("closed after the connect timeout").isEqualTo(-1);
		}
	}

	@Test
	void aMalformedRequestIsABadRequest() throws IOException {
		startContainer();
		this.edge.start();
		try (Socket client = clientFrom("127.0.0.1")) {
			send(client, "GET /" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 400");
		}
	}

	@Test
	void aClientStillSendingWhenTheContainerAnswersAndClosesReadsTheAnswerAndACleanClose() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			this.servlet.set((InetSocketAddress) server.getLocalSocketAddress());
			// answers before the body, half-closes, swallows some of it and closes, as
			// Tomcat does beyond its swallow size
			Thread container = new Thread(() -> {
				try (Socket socket = server.accept()) {
					readHead(socket.getInputStream());
					socket.getOutputStream()
						.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
							.getBytes(StandardCharsets.ISO_8859_1));
					socket.shutdownOutput();
					socket.getInputStream().readNBytes(1024 * 1024);
				}
				catch (IOException ex) {
					// the test fails on its side
				}
			});
			container.start();
			this.edge.start();
			try (Socket client = clientFrom("127.0.0.1")) {
				int length = 8 * 1024 * 1024;
				Thread sender = new Thread(() -> {
					try {
						send(client, "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + length + "\r\n\r\n");
						byte[] chunk = new byte[64 * 1024];
						for (int sent = 0; sent < length; sent += chunk.length) {
							client.getOutputStream().write(chunk);
						}
					}
					catch (IOException ex) {
						// the edge may stop reading: what it read was enough
					}
				});
				sender.start();
				// like most clients, it reads the answer once it has sent the request
				sender.join(10_000);
				assertThat(sender.isAlive()).as("the edge took (or refused) the whole body").isFalse();
				assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 413");
				assertThat(client.getInputStream().read()).as("closed cleanly, not reset").isEqualTo(-1);
			}
			container.join(5_000);
		}
	}

	/** A stand-in container answering {@code ok PATH} and recording the last headers. */
	private Map<String, String> startContainer() throws IOException {
		Map<String, String> seen = new ConcurrentHashMap<>();
		this.container = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
		this.container.createContext("/", (exchange) -> {
			exchange.getRequestHeaders().forEach((name, values) -> seen.put(name, String.join(",", values)));
			seen.put(":path", exchange.getRequestURI().getPath());
			byte[] body = ("ok " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.container.start();
		this.servlet.set(this.container.getAddress());
		return seen;
	}

	private Socket clientFrom(String address) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(address, 0));
		socket.connect(new InetSocketAddress("127.0.0.1", this.edge.port()), 5_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	/**
	 * An HTTP head, up to and with its blank line; what there is if the stream ends
	 * first.
	 */
	static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/** A head and the body its content-length announces. */
	private static String readResponse(InputStream in) throws IOException {
		String head = readHead(in);
		int length = 0;
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(15).trim());
			}
		}
		return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	private static void switchAndEcho(ServerSocket server) {
		try (Socket socket = server.accept()) {
			readHead(socket.getInputStream());
			socket.getOutputStream()
				.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
					.getBytes(StandardCharsets.ISO_8859_1));
			byte[] buffer = new byte[64];
			int read;
			while ((read = socket.getInputStream().read(buffer)) > 0) {
				socket.getOutputStream().write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// the test's client went away
		}
	}

}
