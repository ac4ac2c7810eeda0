package io.herald.routing;

/**
 * What became of a published message.
 *
 * @param accepted whether the router took the message
 * @param receivers how many subscribers it was handed to (queue messages: 0 or 1, as they
 * may wait in the buffer)
 * @param refusal why it was refused, when not accepted
 */
public record PublishResult(boolean accepted, int receivers, String refusal) {

	/**
	 * A SEND whose idempotency key was seen within the window: accepted (its RECEIPT is
	 * sent) and not routed again.
	 */
	static final PublishResult DUPLICATE = new PublishResult(true, 0, null);

	/**
	 * Whether the message was a retry within its idempotency window, not routed again.
	 */
	public boolean isDuplicate() {
		return this == DUPLICATE;
	}

	static PublishResult delivered(int receivers) {
		return new PublishResult(true, receivers, null);
	}

	/** Hands a message to each subscriber; those that refuse it are not counted. */
	static PublishResult fanOut(Subscriber[] subscribers, Message message) {
		int delivered = 0;
		for (Subscriber subscriber : subscribers) {
			if (subscriber.deliver(message, false)) {
				delivered++;
			}
		}
		return delivered(delivered);
	}

	static PublishResult refused(String reason) {
		return new PublishResult(false, 0, reason);
	}

}
