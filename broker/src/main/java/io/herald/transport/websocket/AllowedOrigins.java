package io.herald.transport.websocket;

import java.net.URI;
import java.util.List;

import org.springframework.web.cors.CorsConfiguration;

/**
 * The origins allowed to open a WebSocket, as {@code herald.websocket.allowed-origins}
 * patterns with Spring's CORS matching ({@code *}, {@code https://*.example.com},
 * {@code http://localhost:[*]}); a page served from the broker's own host is always
 * allowed, as with Spring's handshake.
 */
final class AllowedOrigins {

	private final CorsConfiguration patterns = new CorsConfiguration();

	AllowedOrigins(List<String> patterns) {
		this.patterns.setAllowedOriginPatterns(patterns);
	}

	/**
	 * @param origin the handshake's {@code Origin} header
	 * @param host its {@code Host} header, or {@code null}
	 */
	boolean allows(String origin, String host) {
		return this.patterns.checkOrigin(origin) != null || sameOrigin(origin, host);
	}

	private static boolean sameOrigin(String origin, String host) {
		if (host == null) {
			return false;
		}
		try {
			URI uri = URI.create(origin);
			if (uri.getHost() == null) {
				return false;
			}
			int port = uri.getPort();
			String authority = (port == -1 || ("http".equals(uri.getScheme()) && port == 80)
					|| ("https".equals(uri.getScheme()) && port == 443)) ? uri.getHost() : uri.getHost() + ":" + port;
			String hostOnly = host.endsWith(":80") || host.endsWith(":443") ? host.substring(0, host.lastIndexOf(':'))
					: host;
			return authority.equalsIgnoreCase(hostOnly);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
