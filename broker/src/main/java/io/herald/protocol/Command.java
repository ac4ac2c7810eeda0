package io.herald.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The STOMP commands of protocol versions 1.0 to 1.2, client and server side.
 */
public enum Command {

	CONNECT(true), STOMP(true), SEND(true), SUBSCRIBE(true), UNSUBSCRIBE(true), ACK(true), NACK(true), BEGIN(true),
	COMMIT(true), ABORT(true), DISCONNECT(true),

	CONNECTED(false), MESSAGE(false), RECEIPT(false), ERROR(false);

	private final boolean clientCommand;

	private final byte[] bytes;

	Command(boolean clientCommand) {
		this.clientCommand = clientCommand;
		this.bytes = name().getBytes(StandardCharsets.US_ASCII);
	}

	/** Whether a client may send this command to a broker. */
	public boolean isClientCommand() {
		return this.clientCommand;
	}

	/**
	 * Whether headers of this command are exempt from escaping (STOMP 1.2: CONNECT and
	 * CONNECTED).
	 */
	boolean isEscapeExempt() {
		return this == CONNECT || this == STOMP || this == CONNECTED;
	}

	byte[] bytes() {
		return this.bytes;
	}

	/**
	 * Finds a command by its wire name, or {@code null} when the name is not a STOMP
	 * command.
	 */
	static Command fromWire(byte[] line, int offset, int length) {
		for (Command command : values()) {
			byte[] name = command.bytes;
			if (name.length == length && java.util.Arrays.equals(name, 0, length, line, offset, offset + length)) {
				return command;
			}
		}
		return null;
	}

}
