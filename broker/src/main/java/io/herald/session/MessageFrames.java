package io.herald.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.herald.protocol.FrameEncoder;
import io.herald.protocol.Headers;
import io.herald.protocol.StompVersion;
import io.herald.routing.Ingress;
import io.herald.routing.Message;

/**
 * Encodes MESSAGE frames once per published message and protocol version: the tail
 * ({@code destination}, the publisher's headers, {@code content-length}, the blank line,
 * the body and NUL) is cached on the {@link Message} and shared by every subscriber; only
 * the head ({@code subscription}, {@code message-id}, {@code ack}, {@code redelivered})
 * is written per delivery. In {@code auto} mode even that is shared: the head is the
 * subscription's own, made once, and the tail starts with the message's id.
 */
final class MessageFrames {

	private static final byte[] MESSAGE_LINE = "MESSAGE\n".getBytes(StandardCharsets.US_ASCII);

	/** Where the identified tails start among a message's encoding slots. */
	private static final int IDENTIFIED_SLOTS = StompVersion.values().length;

	private MessageFrames() {
	}

	/**
	 * @param subscriptionLine the subscriber's {@code subscription:ID\n} line, escaped
	 * @param messageId the message id to show, per delivery when acks are tracked
	 * @param ack the {@code ack} header value, or {@code null} in auto mode
	 * @param retained whether this delivery is of the topic's retained value, shown with
	 * {@code x-herald-retained:true}
	 * @param recovered the {@code x-herald-recovered} of a resumed subscription's first
	 * delivery, or {@code null}
	 * @param marks how many messages flow control conflated into this one or dropped
	 * before it
	 */
	static OutboundFrame encode(Message message, StompVersion version, byte[] subscriptionHead, String messageId,
			String ack, boolean redelivered, boolean retained, String recovered, FlowControl.Marks marks) {
		if (ack == null && !redelivered && !retained && recovered == null && marks == FlowControl.Marks.NONE
				&& messageId.equals(message.messageId())) {
			// auto mode: everything after the subscription is the same for every
			// subscriber, so a delivery allocates no bytes at all
			return new OutboundFrame(subscriptionHead, identifiedTail(message, version), message.isBinary(),
					message.publishedNanos());
		}
		ByteArrayOutputStream head = new ByteArrayOutputStream(subscriptionHead.length + 64);
		head.writeBytes(subscriptionHead);
		FrameEncoder.writeHeader(head, "message-id", messageId, version.escapesHeaders(), version);
		if (ack != null) {
			FrameEncoder.writeHeader(head, "ack", ack, version.escapesHeaders(), version);
		}
		if (redelivered) {
			FrameEncoder.writeHeader(head, "redelivered", "true", false, version);
		}
		if (retained) {
			FrameEncoder.writeHeader(head, Ingress.RETAINED_HEADER, "true", false, version);
		}
		if (recovered != null) {
			FrameEncoder.writeHeader(head, Ingress.RECOVERED_HEADER, recovered, false, version);
		}
		if (marks.conflated() > 0) {
			FrameEncoder.writeHeader(head, Ingress.CONFLATED_HEADER, Integer.toString(marks.conflated()), false,
					version);
		}
		if (marks.dropped() > 0) {
			FrameEncoder.writeHeader(head, Ingress.DROPPED_HEADER, Integer.toString(marks.dropped()), false, version);
		}
		return new OutboundFrame(head.toByteArray(), tail(message, version), message.isBinary(),
				message.publishedNanos());
	}

	/**
	 * The start of every MESSAGE frame of one subscription: the command and its
	 * {@code subscription} header, made once per subscription.
	 */
	static byte[] subscriptionHead(String subscriptionId, StompVersion version) {
		ByteArrayOutputStream head = new ByteArrayOutputStream(32);
		head.writeBytes(MESSAGE_LINE);
		FrameEncoder.writeHeader(head, "subscription", subscriptionId, version.escapesHeaders(), version);
		return head.toByteArray();
	}

	/**
	 * The tail with the message's own {@code message-id} in front, cached as the tail is.
	 */
	private static byte[] identifiedTail(Message message, StompVersion version) {
		int slot = IDENTIFIED_SLOTS + version.ordinal();
		byte[] cached = (byte[]) message.encoding(slot);
		if (cached != null) {
			return cached;
		}
		ByteArrayOutputStream identified = new ByteArrayOutputStream(176 + message.body().length);
		FrameEncoder.writeHeader(identified, "message-id", message.messageId(), version.escapesHeaders(), version);
		writeTail(identified, message, version);
		byte[] encoded = identified.toByteArray();
		message.setEncoding(slot, encoded);
		return encoded;
	}

	private static byte[] tail(Message message, StompVersion version) {
		int slot = version.ordinal();
		byte[] cached = (byte[]) message.encoding(slot);
		if (cached != null) {
			return cached;
		}
		ByteArrayOutputStream tail = new ByteArrayOutputStream(128 + message.body().length);
		writeTail(tail, message, version);
		byte[] encoded = tail.toByteArray();
		message.setEncoding(slot, encoded);
		return encoded;
	}

	private static void writeTail(ByteArrayOutputStream tail, Message message, StompVersion version) {
		boolean escape = version.escapesHeaders();
		byte[] body = message.body();
		FrameEncoder.writeHeader(tail, "destination", message.destination(), escape, version);
		if (message.offset() != 0) {
			FrameEncoder.writeHeader(tail, Ingress.OFFSET_HEADER, Long.toString(message.offset()), false, version);
			FrameEncoder.writeHeader(tail, Ingress.EPOCH_HEADER, message.epoch(), escape, version);
		}
		Headers headers = message.headers();
		for (int i = 0; i < headers.size(); i++) {
			FrameEncoder.writeHeader(tail, headers.name(i), headers.value(i), escape, version);
		}
		FrameEncoder.writeHeader(tail, "content-length", Integer.toString(body.length), false, version);
		tail.write('\n');
		tail.writeBytes(body);
		tail.write(0);
	}

}
