package io.herald.transport.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.herald.security.AuthenticationException;
import io.herald.security.Identity;
import io.herald.security.TokenHandshakeInterceptor;
import io.herald.support.BrokerHarness;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's checks before it answers an upgrade to the STOMP WebSocket path, each with a
 * clear HTTP answer and the connection closed: only RFC 6455 (426 naming version 13), a
 * complete handshake (400), an allowed origin (403), a valid token (401).
 */
class EdgeUpgradeTest {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final WebSocketEdge edge = new WebSocketEdge(BrokerHarness.create().broker(),
			new TokenHandshakeInterceptor((credentials) -> {
				if ("good".equals(credentials.bearerToken())) {
					return Identity.anonymous();
				}
				throw new AuthenticationException("bad token");
			}), "127.0.0.1", 0, "/ws", null, List.of("https://app.example.com"), 64 * 1024, 2_000, this.group,
			new WebSocketEdge.ChannelTypes(NioServerSocketChannel.class, NioSocketChannel.class),
			() -> new InetSocketAddress("127.0.0.1", 1));

	@BeforeEach
	void start() {
		this.edge.start();
	}

	@AfterEach
	void stop() {
		this.edge.stop();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void anOlderWebSocketVersionIsAnsweredWith426NamingVersion13() throws IOException {
		String answer = upgrade("Sec-WebSocket-Version: 8\r\n");
		assertThat(answer).startsWith("HTTP/1.1 426").containsIgnoringCase("sec-websocket-version: 13");
	}

	@Test
	void anIncompleteHandshakeIsABadRequest() throws IOException {
		assertThat(request("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\n"))
			.startsWith("HTTP/1.1 400")
			.contains("Sec-WebSocket-Key");
		assertThat(request("POST /ws HTTP/1.1\r\nHost: h\r\ncontent-length: 0\r\n\r\n")).startsWith("HTTP/1.1 400")
			.contains("WebSocket");
	}

	@Test
	void anOriginNotAllowedIsForbiddenButThePagesOwnHostIsNot() throws IOException {
		assertThat(upgrade("Sec-WebSocket-Version: 13\r\nOrigin: https://evil.test\r\n")).startsWith("HTTP/1.1 403");
		assertThat(upgrade("Sec-WebSocket-Version: 13\r\nOrigin: https://app.example.com\r\n"))
			.startsWith("HTTP/1.1 101");
		assertThat(upgrade("Sec-WebSocket-Version: 13\r\nOrigin: http://h\r\n")).as("same origin")
			.startsWith("HTTP/1.1 101");
	}

	@Test
	void anInvalidAccessTokenIsRefusedBeforeTheUpgrade() throws IOException {
		assertThat(request(
				"GET /ws?access_token=bad HTTP/1.1\r\n" + handshakeHeaders() + "Sec-WebSocket-Version: 13\r\n\r\n"))
			.startsWith("HTTP/1.1 401");
		assertThat(request(
				"GET /ws?access_token=good HTTP/1.1\r\n" + handshakeHeaders() + "Sec-WebSocket-Version: 13\r\n\r\n"))
			.startsWith("HTTP/1.1 101");
	}

	private String upgrade(String extraHeaders) throws IOException {
		return request("GET /ws HTTP/1.1\r\n" + handshakeHeaders() + extraHeaders + "\r\n");
	}

	private static String handshakeHeaders() {
		return "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
	}

	/**
	 * Sends a request and reads the answer's head; refusals end with the connection
	 * closed.
	 */
	private String request(String text) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.edge.port())) {
			socket.setSoTimeout(5_000);
			socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
			InputStream in = socket.getInputStream();
			String answer = ServletRelayTest.readHead(in);
			if (!answer.startsWith("HTTP/1.1 101")) {
				answer += new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			return answer;
		}
	}

}
