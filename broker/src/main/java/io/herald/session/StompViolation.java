package io.herald.session;

/**
 * A client frame broke the protocol or a limit; the session answers with one ERROR frame
 * carrying this message and closes for the given reason.
 */
final class StompViolation extends Exception {

	private static final long serialVersionUID = 1L;

	private final CloseReason reason;

	private final String supportedVersions;

	private final String receipt;

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
		this(reason, message, supportedVersions, null);
	}

	/**
	 * @param receipt the {@code receipt} of the offending frame when it is known where
	 * the violation is found (the decoder), else {@code null}
	 */
	StompViolation(CloseReason reason, String message, String supportedVersions, String receipt) {
		super(message, null, false, false);
		this.reason = reason;
		this.supportedVersions = supportedVersions;
		this.receipt = receipt;
	}

	CloseReason reason() {
		return this.reason;
	}

	String supportedVersions() {
		return this.supportedVersions;
	}

	String receipt() {
		return this.receipt;
	}

}
