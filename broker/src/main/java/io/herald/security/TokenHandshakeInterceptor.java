package io.herald.security;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Authentication at the WebSocket handshake: browsers cannot set headers on a WebSocket,
 * so they pass their token as the {@code access_token} query parameter. A token that does
 * not verify is refused with HTTP 401 before the upgrade; a valid one is checked again at
 * CONNECT, where the session takes its identity from it. A handshake without a token goes
 * through: the credentials may come with CONNECT.
 */
public final class TokenHandshakeInterceptor implements HandshakeInterceptor {

	/** The query parameter carrying the token. */
	public static final String ACCESS_TOKEN = "access_token";

	private final Authenticator authenticator;

	public TokenHandshakeInterceptor(Authenticator authenticator) {
		this.authenticator = authenticator;
	}

	/**
	 * The decoded {@value #ACCESS_TOKEN} query parameter of a handshake URI, or
	 * {@code null}. The query is taken raw and percent-decoded here, exactly once: a
	 * token holding {@code %2B} arrives as {@code %252B} and must stay {@code %2B}, and a
	 * {@code +} stays a {@code +} (the token is not form data).
	 */
	public static String accessToken(URI uri) {
		if (uri == null || uri.getRawQuery() == null) {
			return null;
		}
		String token = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst(ACCESS_TOKEN);
		return (token != null) ? UriUtils.decode(token, StandardCharsets.UTF_8) : null;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		InetSocketAddress remote = request.getRemoteAddress();
		String address = (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : null;
		if (accepts(accessToken(request.getURI()), address)) {
			return true;
		}
		response.setStatusCode(HttpStatus.UNAUTHORIZED);
		return false;
	}

	/**
	 * Whether a handshake may go on: it carries no token, or one that verifies.
	 * @param token the handshake's {@value #ACCESS_TOKEN}, or {@code null}
	 * @param remoteAddress the client's IP address, for the authenticator
	 */
	public boolean accepts(String token, String remoteAddress) {
		if (token == null) {
			return true;
		}
		try {
			this.authenticator.authenticate(new Credentials(null, null, null, token, remoteAddress));
			return true;
		}
		catch (AuthenticationException ex) {
			return false;
		}
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}
