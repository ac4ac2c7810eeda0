package io.herald.security;

/**
 * What a client presented to prove who it is.
 *
 * @param login the CONNECT {@code login} header, or {@code null}
 * @param passcode the CONNECT {@code passcode} header, or {@code null}
 * @param authorization the CONNECT {@code Authorization} header (e.g. {@code Bearer …}),
 * or {@code null}
 * @param handshakeToken a token from the WebSocket handshake ({@code access_token} query
 * parameter, since browsers cannot set WebSocket headers), or {@code null}
 * @param remoteAddress the client's address
 */
public record Credentials(String login, String passcode, String authorization, String handshakeToken,
		String remoteAddress) {

	/**
	 * The bearer token among the credentials, if any: Authorization, handshake, passcode.
	 */
	public String bearerToken() {
		if (this.authorization != null && this.authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return this.authorization.substring(7).trim();
		}
		if (this.handshakeToken != null && !this.handshakeToken.isBlank()) {
			return this.handshakeToken;
		}
		return null;
	}

}
