package io.herald.security;

/**
 * Decides whether an identity may subscribe or send to a destination. Consulted by the
 * session core for every SUBSCRIBE and SEND.
 */
@FunctionalInterface
public interface DestinationPolicy {

	/** Everyone may do everything: the embedded default. */
	DestinationPolicy ALLOW_ALL = (identity, action, destination) -> true;

	boolean allows(Identity identity, Action action, String destination);

}
