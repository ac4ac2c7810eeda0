package io.herald.security;

/**
 * What a client wants to do with a destination.
 */
public enum Action {

	SUBSCRIBE, SEND

}
