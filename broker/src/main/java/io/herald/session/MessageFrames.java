package io.herald.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.herald.protocol.FrameEncoder;
import io.herald.protocol.Headers;
import io.herald.protocol.StompVersion;
import io.herald.routing.Message;

/**
 * Encodes MESSAGE frames once per published message and protocol version: the tail
 * ({@code destination}, the publisher's headers, {@code content-length}, the blank line,
 * the body and NUL) is cached on the {@link Message} and shared by every subscriber; only
 * the head ({@code subscription}, {@code message-id}, {@code ack}, {@code redelivered})
 * is written per delivery.
 */
final class MessageFrames {

	private static final byte[] MESSAGE_LINE = "MESSAGE\n".getBytes(StandardCharsets.US_ASCII);

	private MessageFrames() {
	}

	/**
	 * @param subscriptionLine the subscriber's {@code subscription:ID\n} line, escaped
	 * @param messageId the message id to show, per delivery when acks are tracked
	 * @param ack the {@code ack} header value, or {@code null} in auto mode
	 */
	static OutboundFrame encode(Message message, StompVersion version, byte[] subscriptionLine, String messageId,
			String ack, boolean redelivered) {
		ByteArrayOutputStream head = new ByteArrayOutputStream(96);
		head.writeBytes(MESSAGE_LINE);
		head.writeBytes(subscriptionLine);
		FrameEncoder.writeHeader(head, "message-id", messageId, version.escapesHeaders(), version);
		if (ack != null) {
			FrameEncoder.writeHeader(head, "ack", ack, version.escapesHeaders(), version);
		}
		if (redelivered) {
			FrameEncoder.writeHeader(head, "redelivered", "true", false, version);
		}
		return new OutboundFrame(head.toByteArray(), tail(message, version), message.isBinary());
	}

	static byte[] subscriptionLine(String subscriptionId, StompVersion version) {
		ByteArrayOutputStream line = new ByteArrayOutputStream(32);
		FrameEncoder.writeHeader(line, "subscription", subscriptionId, version.escapesHeaders(), version);
		return line.toByteArray();
	}

	private static byte[] tail(Message message, StompVersion version) {
		int slot = version.ordinal();
		byte[] cached = (byte[]) message.encoding(slot);
		if (cached != null) {
			return cached;
		}
		boolean escape = version.escapesHeaders();
		byte[] body = message.body();
		ByteArrayOutputStream tail = new ByteArrayOutputStream(128 + body.length);
		FrameEncoder.writeHeader(tail, "destination", message.destination(), escape, version);
		Headers headers = message.headers();
		for (int i = 0; i < headers.size(); i++) {
			FrameEncoder.writeHeader(tail, headers.name(i), headers.value(i), escape, version);
		}
		FrameEncoder.writeHeader(tail, "content-length", Integer.toString(body.length), false, version);
		tail.write('\n');
		tail.writeBytes(body);
		tail.write(0);
		byte[] encoded = tail.toByteArray();
		message.setEncoding(slot, encoded);
		return encoded;
	}

}
