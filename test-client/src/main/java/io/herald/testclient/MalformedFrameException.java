package io.herald.testclient;

/**
 * The server sent bytes that are not a STOMP frame of the version in use. Thrown by
 * {@link FrameParser}; {@link StompConnection} turns it into a failed wait, so a codec
 * bug in the server fails the test that met it.
 */
final class MalformedFrameException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	MalformedFrameException(String message) {
		super(message);
	}

}
