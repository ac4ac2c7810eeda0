package io.herald.routing;

/**
 * A destination name Herald does not serve, or a wildcard where none is allowed.
 */
public final class DestinationException extends Exception {

	private static final long serialVersionUID = 1L;

	public DestinationException(String message) {
		super(message);
	}

}
