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

	static PublishResult delivered(int receivers) {
		return new PublishResult(true, receivers, null);
	}

	static PublishResult refused(String reason) {
		return new PublishResult(false, 0, reason);
	}

}
