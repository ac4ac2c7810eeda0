package io.herald.transport.websocket;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import io.herald.security.TokenHandshakeInterceptor;
import io.herald.session.Broker;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;

/**
 * What every edge connection shares.
 *
 * @param broker opens a session for each upgraded connection
 * @param path the STOMP WebSocket path ({@code herald.websocket.path})
 * @param ssl the TLS context of the public port, or {@code null}
 * @param tokens checks a handshake's {@code access_token}
 * @param origins the origins allowed to upgrade
 * @param maxFrameSize {@code herald.limits.max-frame-size}
 * @param connectTimeoutMillis how long a connection may take to send its first request
 * @param clientChannelType the socket channel class for connections to the container
 * @param servletAddress where the servlet container listens, on loopback
 */
record EdgeSettings(Broker broker, String path, SslContext ssl, TokenHandshakeInterceptor tokens,
		AllowedOrigins origins, int maxFrameSize, long connectTimeoutMillis, Class<? extends Channel> clientChannelType,
		Supplier<InetSocketAddress> servletAddress) {

	/**
	 * The STOMP sub-protocols; of those a client offers, its first one Herald speaks is
	 * chosen.
	 */
	static final String SUB_PROTOCOLS = "v12.stomp,v11.stomp,v10.stomp";

	/**
	 * The largest WebSocket frame the codec takes, which it buffers whole: the frame
	 * limit plus room, so that a STOMP frame over its limit still reaches the STOMP
	 * decoder, which answers it with an ERROR carrying the frame's receipt. A WebSocket
	 * frame beyond even this is refused by the codec, with an ERROR too, but without the
	 * receipt.
	 */
	int maxFramePayload() {
		long bytes = this.maxFrameSize;
		return (int) Math.min(Integer.MAX_VALUE - 8, bytes + Math.max(64 * 1024, bytes / 4));
	}

	/** The ERROR message for a WebSocket frame beyond {@link #maxFramePayload()}. */
	String frameTooLarge() {
		return "frame exceeds the limit of " + this.maxFrameSize + " bytes";
	}

}
