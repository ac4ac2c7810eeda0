package io.herald.session;

/**
 * A client frame broke the protocol or a limit; the session answers with one ERROR frame
 * carrying this message and closes.
 */
final class StompViolation extends Exception {

	private static final long serialVersionUID = 1L;

	StompViolation(String message) {
		super(message, null, false, false);
	}

}
