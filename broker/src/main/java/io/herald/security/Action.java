package io.herald.security;

import java.util.Locale;

/**
 * What a client wants to do with a destination.
 */
public enum Action {

	SUBSCRIBE, SEND;

	/**
	 * The action named {@code subscribe} or {@code send} (any case, surrounding blanks
	 * ignored), or {@code null} for any other name.
	 */
	public static Action parse(String name) {
		return switch (name.trim().toLowerCase(Locale.ROOT)) {
			case "subscribe" -> SUBSCRIBE;
			case "send" -> SEND;
			default -> null;
		};
	}

}
