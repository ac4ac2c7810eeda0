package io.herald.testclient;

/**
 * The STOMP versions a server may speak, as far as reading its frames differs between
 * them (STOMP 1.2 "Value Encoding", "Augmented BNF"; STOMP 1.1 "Value Encoding"):
 * <ul>
 * <li>1.0 has no header escapes: a backslash is a backslash, the first colon of a line
 * ends the name;</li>
 * <li>1.1 escapes {@code \n}, {@code \c} and {@code \\}, anything else after a backslash
 * is a protocol error;</li>
 * <li>1.2 adds {@code \r}, and lets every end of line be CR LF instead of LF.</li>
 * </ul>
 */
enum StompVersion {

	V1_0("1.0"), V1_1("1.1"), V1_2("1.2");

	private final String header;

	StompVersion(String header) {
		this.header = header;
	}

	/** The version a CONNECTED frame names; a 1.0 CONNECTED may name none. */
	static StompVersion ofConnected(String versionHeader) {
		if (versionHeader == null) {
			return V1_0;
		}
		for (StompVersion version : values()) {
			if (version.header.equals(versionHeader)) {
				return version;
			}
		}
		throw new IllegalArgumentException("version '" + versionHeader + "'");
	}

	boolean escapesHeaders() {
		return this != V1_0;
	}

	/** Whether {@code \}{@code name} is an escape this version defines. */
	boolean definesEscape(char name) {
		return switch (name) {
			case 'n', 'c', '\\' -> this != V1_0;
			case 'r' -> this == V1_2;
			default -> false;
		};
	}

	/** Whether a CR before the LF belongs to the end of line (else it is content). */
	boolean allowsCrLf() {
		return this == V1_2;
	}

	@Override
	public String toString() {
		return this.header;
	}

}
