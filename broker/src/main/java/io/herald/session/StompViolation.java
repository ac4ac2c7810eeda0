package io.herald.session;

/**
 * A client frame broke the protocol or a limit; the session answers with one ERROR frame
 * carrying this message and closes for the given reason.
 */
final class StompViolation extends Exception {

	private static final long serialVersionUID = 1L;

	private final CloseReason reason;

	private final String supportedVersions;

	StompViolation(String message) {
		this(CloseReason.PROTOCOL_VIOLATION, message);
	}

	StompViolation(CloseReason reason, String message) {
		this(reason, message, null);
	}

	/**
	 * @param supportedVersions the ERROR's {@code version} header, for a failed version
	 * negotiation (STOMP 1.2, "Protocol Negotiation"); else {@code null}
	 */
	StompViolation(CloseReason reason, String message, String supportedVersions) {
		super(message, null, false, false);
		this.reason = reason;
		this.supportedVersions = supportedVersions;
	}

	CloseReason reason() {
		return this.reason;
	}

	String supportedVersions() {
		return this.supportedVersions;
	}

}
