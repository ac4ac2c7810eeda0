package io.herald.session;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.StompVersion;
import io.herald.security.AuthenticationException;
import io.herald.security.Authenticator;
import io.herald.security.Credentials;
import io.herald.security.Identity;

/**
 * The CONNECT (or STOMP) frame (STOMP 1.2, "Connecting", "Protocol Negotiation",
 * "Heart-beating"): negotiates the version and heart-beats, authenticates, and builds the
 * CONNECTED answer ({@code user-name} is the session's user: the authenticated name, or
 * the {@code anonymous-SESSIONID} the broker assigns to anonymous clients). Holds no
 * per-session state; the session applies what it agrees. Failed logins are throttled per
 * address ({@link LoginThrottle}).
 */
final class Handshake {

	private final SessionSettings settings;

	private final Authenticator authenticator;

	private final LoginThrottle throttle;

	Handshake(SessionSettings settings, Authenticator authenticator, LoginThrottle throttle) {
		this.settings = settings;
		this.authenticator = authenticator;
		this.throttle = throttle;
	}

	/**
	 * What a successful CONNECT agreed.
	 *
	 * @param version the negotiated protocol version
	 * @param identity who connected
	 * @param sendEveryMillis how often the broker beats, 0 never
	 * @param expectEveryMillis how often the client must show life, 0 never
	 * @param connected the CONNECTED frame to send
	 */
	record Accepted(StompVersion version, Identity identity, long sendEveryMillis, long expectEveryMillis,
			Frame connected) {
	}

	/**
	 * @throws StompViolation for headers that do not parse or no shared version
	 * @throws AuthenticationException when the credentials are refused
	 */
	Accepted accept(Frame frame, String sessionId, TransportConnection transport)
			throws StompViolation, AuthenticationException {
		StompVersion negotiated = StompVersion.negotiate(frame.header("accept-version"));
		if (negotiated == null) {
			throw new StompViolation(CloseReason.PROTOCOL_VIOLATION,
					"no shared protocol version; supported versions are " + StompVersion.supported(),
					StompVersion.supported());
		}
		long[] client = HeartBeats.parse(frame.header("heart-beat"));
		Credentials credentials = new Credentials(frame.header("login"), frame.header("passcode"),
				frame.header("Authorization"), transport.handshakeToken(), transport.remoteAddress());
		Identity identity = this.authenticator.authenticate(credentials);
		if (identity.isAnonymous()) {
			// the broker names anonymous sessions, never the client: a name nobody
			// checked would let one client receive another's /user/queue/… messages
			identity = Identity.anonymous(sessionId);
		}
		long floor = this.settings.heartBeatMinMillis();
		long ourSend = HeartBeats.offer(this.settings.heartBeatSendMillis(), floor, client[1]);
		long ourReceive = HeartBeats.offer(this.settings.heartBeatReceiveMillis(), floor, client[0]);
		Frame.Builder connected = Frame.builder(Command.CONNECTED);
		if (frame.header("accept-version") != null) {
			connected.header("version", negotiated.text());
		}
		connected.header("server", this.settings.serverName())
			.header("session", sessionId)
			.header("heart-beat", ourSend + "," + ourReceive);
		// anonymous clients learn the name they were given, so others can address them
		connected.header("user-name", identity.name());
		return new Accepted(negotiated, identity, HeartBeats.interval(ourSend, client[1]),
				HeartBeats.interval(ourReceive, client[0]), connected.build());
	}

	/**
	 * Records a failed login from the address.
	 * @return how long to wait before answering it, in ms
	 */
	long loginFailed(String address, long nowNanos) {
		return this.throttle.failed(address, nowNanos);
	}

}
