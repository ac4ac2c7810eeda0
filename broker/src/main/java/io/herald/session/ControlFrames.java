package io.herald.session;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.FrameEncoder;
import io.herald.protocol.StompVersion;

/**
 * The frames a session sends of its own (CONNECTED, RECEIPT, ERROR), encoded for the
 * session's version into one outbound frame each.
 */
final class ControlFrames {

	private ControlFrames() {
	}

	static OutboundFrame encode(Frame frame, StompVersion version) {
		return new OutboundFrame(OutboundFrame.EMPTY, FrameEncoder.encode(frame, version), false);
	}

	static OutboundFrame receipt(String receiptId, StompVersion version) {
		return receipt(receiptId, null, null, version);
	}

	/** A RECEIPT with one more header, when {@code name} is not {@code null}. */
	static OutboundFrame receipt(String receiptId, String name, String value, StompVersion version) {
		Frame.Builder receipt = Frame.builder(Command.RECEIPT).header("receipt-id", receiptId);
		if (name != null) {
			receipt.header(name, value);
		}
		return encode(receipt.build(), version);
	}

	/**
	 * An ERROR whose {@code message} header and text body say what went wrong (STOMP 1.2,
	 * "ERROR").
	 * @param supportedVersions the {@code version} header, for a failed negotiation
	 */
	static OutboundFrame error(String message, String receipt, String supportedVersions, StompVersion version) {
		return encode(Frame.builder(Command.ERROR)
			.headerIfPresent("version", supportedVersions)
			.header("message", message)
			.headerIfPresent("receipt-id", receipt)
			.header("content-type", "text/plain")
			.body(message)
			.build(), version);
	}

}
