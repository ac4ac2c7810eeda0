package io.herald.routing;

/**
 * A receiver of routed messages: one STOMP subscription of one session.
 */
public interface Subscriber {

	/**
	 * Hands a message over for delivery. Must not block.
	 * @param message the message
	 * @param redelivered whether this message was delivered before and not acknowledged
	 * @return {@code false} if the subscriber cannot take it (closed, or its session's
	 * outbound buffer is full); the router then keeps a queue message for another
	 * consumer
	 */
	boolean deliver(Message message, boolean redelivered);

	/** The session it belongs to, naming it as a member of presence rooms. */
	default String sessionId() {
		return "subscriber-" + Integer.toHexString(System.identityHashCode(this));
	}

	/**
	 * The member info its SUBSCRIBE gave ({@code x-herald-presence-info}, valid JSON), or
	 * {@code null}.
	 */
	default String presenceInfo() {
		return null;
	}

}
