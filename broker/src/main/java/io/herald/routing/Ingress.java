package io.herald.routing;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Headers;
import io.herald.protocol.Utf8;

/**
 * The one way in for a message, whatever its source: a client's SEND, a COMMIT, the
 * Spring messaging template, and later the HTTP publish API and the cluster backplane. It
 * turns what was sent into the {@link Message} subscribers see (frame-control headers
 * dropped, the sender stamped, a node-unique id), routes it, and counts what was
 * accepted. While the node's memory alarm is engaged it refuses everything, naming the
 * limit.
 */
public final class Ingress {

	/**
	 * The header naming the authenticated sender on every MESSAGE; the broker sets it and
	 * drops any value a client supplies, so senders cannot be spoofed.
	 */
	public static final String SENDER_HEADER = "x-herald-user";

	/**
	 * A SEND header, {@code true} or {@code false}: keep this message as the topic's
	 * retained value, where a {@code herald.topics.rules} entry lets the SEND choose.
	 */
	public static final String RETAIN_HEADER = "x-herald-retain";

	/** The MESSAGE header marking a delivery of a retained value, not a live one. */
	public static final String RETAINED_HEADER = "x-herald-retained";

	/**
	 * The SEND header naming a message, so that a retried SEND within the destination's
	 * idempotency window is not routed twice.
	 */
	public static final String IDEMPOTENCY_HEADER = "x-herald-idempotency-key";

	/** The MESSAGE header with the message's offset in its topic's history. */
	public static final String OFFSET_HEADER = "x-herald-offset";

	/** The MESSAGE header with the epoch the offset counts in. */
	public static final String EPOCH_HEADER = "x-herald-epoch";

	/** The MESSAGE header: how many undelivered messages this conflated one replaced. */
	public static final String CONFLATED_HEADER = "x-herald-conflated";

	/** The MESSAGE header: how many undelivered messages were dropped before this one. */
	public static final String DROPPED_HEADER = "x-herald-dropped";

	/**
	 * The SUBSCRIBE header with a room member's info (JSON), shown to the room's presence
	 * watchers.
	 */
	public static final String PRESENCE_INFO_HEADER = "x-herald-presence-info";

	/** The MESSAGE header of a presence destination: what the message is. */
	public static final String PRESENCE_EVENT_HEADER = Presence.EVENT_HEADER;

	/** The SUBSCRIBE header: at most this many deliveries per second per destination. */
	public static final String MAX_RATE_HEADER = "x-herald-max-rate";

	/** The SUBSCRIBE header {@code EPOCH:OFFSET}: replay what followed that offset. */
	public static final String SINCE_HEADER = "x-herald-since";

	/** The SUBSCRIBE header {@code N}: replay the last N messages. */
	public static final String REWIND_HEADER = "x-herald-rewind";

	/**
	 * The RECEIPT and first MESSAGE header of a resuming SUBSCRIBE: whether nothing was
	 * missed.
	 */
	public static final String RECOVERED_HEADER = "x-herald-recovered";

	/**
	 * Headers that steer a frame, or that only the broker may set, not passed on as sent.
	 */
	private static final List<String> CONTROL_HEADERS = List.of("destination", "receipt", "transaction",
			"content-length", "message-id", "subscription", "ack", "redelivered", SENDER_HEADER);

	private final Router router;

	private final MessageIds ids;

	private final LongAdder published = new LongAdder();

	private final MemoryBudget memory;

	public Ingress(Router router, MessageIds ids) {
		this(router, ids, MemoryBudget.UNBOUNDED);
	}

	/**
	 * @param memory while its alarm is engaged, publishing is refused
	 */
	public Ingress(Router router, MessageIds ids, MemoryBudget memory) {
		this.router = router;
		this.ids = ids;
		this.memory = memory;
	}

	/**
	 * Publishes to a SEND destination such as {@code /topic/prices.AAPL}.
	 * @param headers headers for subscribers; frame-control headers are dropped
	 * @param sender the authenticated sender, stamped as {@value #SENDER_HEADER};
	 * {@code null} for none
	 * @throws DestinationException if the destination is not one Herald serves, or has
	 * more segments than the limit
	 */
	public PublishResult publish(String destination, Headers headers, byte[] body, String sender)
			throws DestinationException {
		Destination parsed = Destination.forSend(destination);
		String refusal = this.router.segmentLimitRefusal(parsed);
		if (refusal != null) {
			throw new DestinationException(refusal);
		}
		return publish(parsed, destination, headers, body, sender);
	}

	/**
	 * Publishes to a destination already parsed with {@link Destination#forSend}.
	 * @param requestedName the destination as the sender wrote it
	 */
	public PublishResult publish(Destination destination, String requestedName, Headers headers, byte[] body,
			String sender) {
		if (this.memory.isAlarmed()) {
			return memoryAlarm();
		}
		return publish(destination, message(destination, requestedName, headers, body, sender));
	}

	/**
	 * Publishes a message made by {@link #message}: after it returns, the message says
	 * its offset and epoch where its topic keeps a history.
	 */
	public PublishResult publish(Destination destination, Message message) {
		if (this.memory.isAlarmed()) {
			return memoryAlarm();
		}
		PublishResult result = this.router.publish(destination, message);
		if (result.accepted() && result != PublishResult.DUPLICATE) {
			this.published.increment();
		}
		return result;
	}

	/**
	 * Publishes all or nothing, for the SENDs of a committed transaction; the messages
	 * come from {@link #message}.
	 * @see Router#publishAll
	 */
	public PublishResult publishAll(List<Publication> publications) {
		if (this.memory.isAlarmed()) {
			return memoryAlarm();
		}
		PublishResult result = this.router.publishAll(publications);
		if (result.accepted()) {
			this.published.add(publications.size());
		}
		return result;
	}

	/**
	 * The message a SEND makes: frame-control headers dropped (and
	 * {@value #RETAIN_HEADER} read), the sender stamped.
	 * @throws IllegalArgumentException for a {@value #RETAIN_HEADER} other than
	 * {@code true} or {@code false}
	 */
	public Message message(Destination destination, String requestedName, Headers headers, byte[] body, String sender) {
		String shownName = (destination.kind() == Destination.Kind.USER) ? "/user" + destination.name() : requestedName;
		Headers.Builder forwarded = Headers.builder();
		boolean[] retain = { false };
		String[] idempotency = { null };
		headers.forEach((name, value) -> {
			if (IDEMPOTENCY_HEADER.equals(name)) {
				// a key counts for its sender only: nobody can suppress another's
				// messages
				idempotency[0] = sender + '\u0000' + value;
			}
			else if (RETAIN_HEADER.equals(name)) {
				if (!"true".equals(value) && !"false".equals(value)) {
					throw new IllegalArgumentException(RETAIN_HEADER + " must be true or false, was '" + value + "'");
				}
				retain[0] = "true".equals(value);
			}
			else if (!CONTROL_HEADERS.contains(name)) {
				forwarded.add(name, value);
			}
		});
		if (sender != null) {
			forwarded.add(SENDER_HEADER, sender);
		}
		Message message = new Message(shownName, forwarded.build(), body, this.ids.next(), !Utf8.isValid(body),
				retain[0]);
		message.setIdempotencyKey(idempotency[0]);
		return message;
	}

	/** The refusal while the memory alarm is engaged, naming the limit. */
	public PublishResult memoryAlarm() {
		return PublishResult.refused("memory alarm: the broker holds " + this.memory.usedBytes()
				+ " bytes, over herald.limits.max-memory of " + this.memory.maxBytes()
				+ "; publishing is refused until it drops below " + this.memory.lowBytes());
	}

	/** Whether publishing is refused now. */
	public boolean isRefusing() {
		return this.memory.isAlarmed();
	}

	/** Messages accepted for routing since start. */
	public long published() {
		return this.published.sum();
	}

}
