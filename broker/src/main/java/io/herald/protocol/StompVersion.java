package io.herald.protocol;

import java.util.Arrays;
import java.util.List;

/**
 * A STOMP protocol version, as negotiated through {@code accept-version} (STOMP 1.2,
 * "Protocol Negotiation").
 */
public enum StompVersion {

	V1_0("1.0"), V1_1("1.1"), V1_2("1.2");

	private final String text;

	StompVersion(String text) {
		this.text = text;
	}

	/**
	 * The version as it appears in {@code accept-version} and {@code version} headers.
	 */
	public String text() {
		return this.text;
	}

	/** Whether header values are escaped in this version (1.1 and later). */
	public boolean escapesHeaders() {
		return this != V1_0;
	}

	/**
	 * Picks the highest version both sides support from an {@code accept-version} header;
	 * a missing header means 1.0 (STOMP 1.1 and 1.2, "Protocol Negotiation").
	 * @param acceptVersion the client's header value, possibly {@code null}
	 * @return the version to use, or {@code null} if none is shared
	 */
	public static StompVersion negotiate(String acceptVersion) {
		if (acceptVersion == null || acceptVersion.isBlank()) {
			return V1_0;
		}
		List<String> offered = Arrays.stream(acceptVersion.split(",")).map(String::trim).toList();
		StompVersion[] all = values();
		for (int i = all.length - 1; i >= 0; i--) {
			if (offered.contains(all[i].text)) {
				return all[i];
			}
		}
		return null;
	}

	/**
	 * The versions this broker speaks, comma-separated, for an ERROR on failed
	 * negotiation.
	 */
	public static String supported() {
		return "1.0,1.1,1.2";
	}

}
