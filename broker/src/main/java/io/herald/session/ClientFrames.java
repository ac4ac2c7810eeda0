package io.herald.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.StompVersion;
import io.herald.routing.Destination;
import io.herald.routing.DestinationException;
import io.herald.routing.DestinationName;
import io.herald.routing.Ingress;
import io.herald.routing.Position;
import io.herald.routing.Publication;
import io.herald.routing.PublishResult;
import io.herald.security.Action;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The handlers of client frames after CONNECT (STOMP 1.2, "Client Frames"). Each either
 * completes or throws {@link StompViolation}; the session then sends the RECEIPT or the
 * ERROR. One instance per session, run by the session's owner ({@link Mailbox}); it works
 * on the session's subscriptions and transactions through their own methods.
 */
final class ClientFrames {

	/**
	 * The reserved destination for in-band token refresh: a SEND here carries a new
	 * bearer token in its body and is never routed.
	 */
	static final String TOKEN_DESTINATION = "/herald/token";

	/** Most bytes of a SUBSCRIBE's {@code x-herald-presence-info}. */
	static final int MAX_PRESENCE_INFO = 1024;

	private static final JsonFactory JSON = new JsonFactory();

	private final Session session;

	private final SubscriptionRegistry subscriptions;

	private final Transactions transactions;

	private final SessionServices services;

	ClientFrames(Session session, SubscriptionRegistry subscriptions, Transactions transactions,
			SessionServices services) {
		this.session = session;
		this.subscriptions = subscriptions;
		this.transactions = transactions;
		this.services = services;
	}

	/**
	 * Handles a frame other than CONNECT, STOMP and DISCONNECT, which the session owns.
	 */
	void handle(Frame frame) throws StompViolation {
		switch (frame.command()) {
			case SEND -> send(frame);
			case SUBSCRIBE -> subscribe(frame);
			case UNSUBSCRIBE -> unsubscribe(frame);
			case ACK, NACK -> acknowledge(frame, false);
			case BEGIN -> this.transactions.begin(required(frame, "transaction"));
			case COMMIT -> commit(required(frame, "transaction"));
			case ABORT -> this.transactions.abort(required(frame, "transaction"));
			case CONNECT, STOMP -> throw new StompViolation("already connected: " + frame.command() + " sent twice");
			default -> throw new StompViolation(frame.command() + " is not a client command");
		}
	}

	private void send(Frame frame) throws StompViolation {
		String destinationName = required(frame, "destination");
		if (TOKEN_DESTINATION.equals(destinationName)) {
			this.session.refreshToken(frame.bodyAsText().trim());
			return;
		}
		Destination destination = parse(destinationName, true);
		authorize(Action.SEND, destinationName);
		String retain = frame.header(Ingress.RETAIN_HEADER);
		if (retain != null && !retain.equals("true") && !retain.equals("false")) {
			throw new StompViolation(Ingress.RETAIN_HEADER + " must be true or false, was '" + retain + "'");
		}
		if ("true".equals(retain)) {
			String refusal = this.services.router().retainRefusal(destination);
			if (refusal != null) {
				throw new StompViolation(refusal);
			}
		}
		String transaction = frame.header("transaction");
		if (transaction != null) {
			if (this.services.ingress().isRefusing()) {
				throw new StompViolation(CloseReason.LIMIT_EXCEEDED, this.services.ingress().memoryAlarm().refusal());
			}
			this.transactions.add(transaction, frame);
			return;
		}
		PublishResult result = this.services.ingress()
			.publish(destination, frame.header("destination"), frame.headers(), frame.body(), this.session.user());
		if (!result.accepted()) {
			throw new StompViolation(CloseReason.LIMIT_EXCEEDED, result.refusal());
		}
		if (result.isPending()) {
			this.session.awaitStored(result.stored());
		}
	}

	private void subscribe(Frame frame) throws StompViolation {
		String destinationName = required(frame, "destination");
		String id = frame.header("id");
		if (id == null) {
			if (this.session.version() != StompVersion.V1_0) {
				throw missing("id");
			}
			id = destinationName;
		}
		int index = this.subscriptions.reserve(id);
		SessionSubscription.AckMode ackMode = SessionSubscription.AckMode.parse(frame.header("ack"));
		if (ackMode == null) {
			throw new StompViolation(
					"invalid ack mode '" + frame.header("ack") + "'; use auto, client or client-individual");
		}
		Destination destination = parse(destinationName, false);
		authorize(Action.SUBSCRIBE, destinationName, Destination.guardedName(destination, destinationName));
		String notWatchable = this.services.router().presenceRefusal(destination);
		if (notWatchable != null) {
			throw new StompViolation(notWatchable);
		}
		Position since = since(frame, destination);
		int rewind = rewind(frame, destination, since);
		double maxRate = maxRate(frame, destination);
		SessionSubscription subscription = new SessionSubscription(this.session, id, index, ackMode, destination,
				this.services.settings().maxUnackedPerSubscription(), maxRate, presenceInfo(frame));
		this.subscriptions.add(subscription);
		boolean topic = destination.kind() == Destination.Kind.TOPIC;
		if (topic) {
			// before the router can deliver: nothing live may overtake what the catch-up
			// shows
			subscription.holdBack();
		}
		subscription.attach(this.services.router().subscribe(destination, this.session.user(), subscription));
		if (since != null || rewind > 0) {
			boolean recovered = subscription.resume(this.services.router(), since, rewind);
			this.session.receiptHeader(Ingress.RECOVERED_HEADER, Boolean.toString(recovered));
		}
		else if (topic) {
			subscription.showRetained(this.services.router());
		}
		// queue messages flow only after the RECEIPT of the SUBSCRIBE
		this.subscriptions.startAfterReceipt(subscription);
	}

	/** The most {@code x-herald-max-rate} a SUBSCRIBE may ask. */
	static final double MAX_RATE = 1_000;

	/** {@code x-herald-max-rate}, checked: a topic, a rate above 0 and at most 1,000. */
	private static double maxRate(Frame frame, Destination destination) throws StompViolation {
		String value = frame.header(Ingress.MAX_RATE_HEADER);
		if (value == null) {
			return 0;
		}
		if (destination.kind() != Destination.Kind.TOPIC) {
			throw new StompViolation(Ingress.MAX_RATE_HEADER + " is for topics, not queues or user queues");
		}
		double rate;
		try {
			rate = Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			rate = Double.NaN;
		}
		if (!(rate > 0 && rate <= MAX_RATE)) {
			throw new StompViolation(Ingress.MAX_RATE_HEADER
					+ " must be a number of deliveries per second per destination, above 0 and at most 1000, was '"
					+ value + "'");
		}
		return rate;
	}

	/**
	 * {@code x-herald-presence-info}, checked: one JSON value of at most
	 * {@value #MAX_PRESENCE_INFO} bytes; {@code null} when not given.
	 */
	private static String presenceInfo(Frame frame) throws StompViolation {
		String value = frame.header(Ingress.PRESENCE_INFO_HEADER);
		if (value == null) {
			return null;
		}
		int bytes = value.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_PRESENCE_INFO) {
			throw new StompViolation(CloseReason.LIMIT_EXCEEDED, Ingress.PRESENCE_INFO_HEADER + " must be at most "
					+ MAX_PRESENCE_INFO + " bytes of JSON, was " + bytes);
		}
		try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), value)) {
			if (parser.nextToken() == null) {
				throw new StompViolation(Ingress.PRESENCE_INFO_HEADER + " must be a JSON value, was empty");
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new StompViolation(Ingress.PRESENCE_INFO_HEADER + " must be one JSON value, was '" + value + "'");
			}
		}
		catch (JacksonException ex) {
			throw new StompViolation(Ingress.PRESENCE_INFO_HEADER + " must be JSON (" + ex.getOriginalMessage()
					+ "), was '" + value + "'");
		}
		return value;
	}

	/** {@code x-herald-since}, checked: one topic, {@code EPOCH:OFFSET}. */
	private static Position since(Frame frame, Destination destination) throws StompViolation {
		String value = frame.header(Ingress.SINCE_HEADER);
		if (value == null) {
			return null;
		}
		resumable(Ingress.SINCE_HEADER, destination);
		if (frame.header(Ingress.REWIND_HEADER) != null) {
			throw new StompViolation(Ingress.SINCE_HEADER + " and " + Ingress.REWIND_HEADER + " exclude each other");
		}
		try {
			return Position.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new StompViolation(ex.getMessage());
		}
	}

	/** {@code x-herald-rewind}, checked: one topic, 1 to its history size. */
	private int rewind(Frame frame, Destination destination, Position since) throws StompViolation {
		String value = frame.header(Ingress.REWIND_HEADER);
		if (value == null || since != null) {
			return 0;
		}
		resumable(Ingress.REWIND_HEADER, destination);
		int size = this.services.router().historySize(destination);
		int rewind;
		try {
			rewind = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			rewind = -1;
		}
		if (size == 0) {
			throw new StompViolation(Ingress.REWIND_HEADER + ": " + destination.clientName()
					+ " keeps no history (herald.topics.rules[N].history-size)");
		}
		if (rewind < 1 || rewind > size) {
			throw new StompViolation(Ingress.REWIND_HEADER + " must be a whole number from 1 to " + size
					+ " (the history-size of " + destination.clientName() + "), was '" + value + "'");
		}
		return rewind;
	}

	private static void resumable(String header, Destination destination) throws StompViolation {
		if (destination.kind() != Destination.Kind.TOPIC || DestinationName.hasWildcard(destination.name())) {
			throw new StompViolation(header + " needs one topic, /topic/NAME, not a pattern, queue or user queue");
		}
	}

	private void unsubscribe(Frame frame) throws StompViolation {
		String id = frame.header("id");
		if (id == null && this.session.version() == StompVersion.V1_0) {
			id = frame.header("destination");
		}
		if (id == null) {
			throw missing("id");
		}
		SessionSubscription subscription = this.subscriptions.remove(id);
		if (subscription == null) {
			throw new StompViolation("unknown subscription '" + id + "'");
		}
		subscription.close();
	}

	private void acknowledge(Frame frame, boolean committing) throws StompViolation {
		String tag = ackTag(frame);
		String transaction = frame.header("transaction");
		if (transaction != null && !committing) {
			this.transactions.add(transaction, frame);
			return;
		}
		SessionSubscription subscription = owner(tag);
		boolean settled = (frame.command() == Command.ACK) ? subscription.ack(tag) : subscription.nack(tag);
		if (!settled) {
			throw unknownAck(frame, tag);
		}
	}

	private String ackTag(Frame frame) throws StompViolation {
		String tag = (this.session.version() == StompVersion.V1_2) ? frame.header("id") : frame.header("message-id");
		if (tag == null) {
			tag = (frame.header("id") != null) ? frame.header("id") : frame.header("message-id");
		}
		if (tag == null) {
			throw missing((this.session.version() == StompVersion.V1_2) ? "id" : "message-id");
		}
		return tag;
	}

	private SessionSubscription owner(String tag) throws StompViolation {
		int dash = tag.indexOf('-');
		SessionSubscription subscription = null;
		if (dash > 0) {
			try {
				subscription = this.subscriptions.byIndex(Integer.parseInt(tag.substring(0, dash)));
			}
			catch (NumberFormatException ex) {
				subscription = null;
			}
		}
		if (subscription == null) {
			throw new StompViolation("unknown ack id '" + tag + "': no subscription of this session awaits it");
		}
		return subscription;
	}

	private static StompViolation unknownAck(Frame frame, String tag) {
		return new StompViolation("unknown ack id '" + tag + "' in " + frame.command()
				+ ": not delivered, already acknowledged, or not from a client ack subscription");
	}

	/**
	 * Checks every frame of the transaction before any takes effect, so that a refused
	 * COMMIT changes nothing: destinations and permissions of the SENDs, the ack ids in
	 * the order they will be settled, and room in the queues, which the router keeps
	 * while it publishes all SENDs. Acknowledgements are settled after the SENDs.
	 */
	private void commit(String transaction) throws StompViolation {
		List<Publication> publications = new ArrayList<>();
		List<Frame> settlements = new ArrayList<>();
		Map<SessionSubscription, List<String>> tags = new LinkedHashMap<>();
		for (Frame frame : this.transactions.commit(transaction)) {
			if (frame.command() == Command.SEND) {
				String name = required(frame, "destination");
				Destination destination = parse(name, true);
				authorize(Action.SEND, name);
				publications.add(new Publication(destination, this.services.ingress()
					.message(destination, name, frame.headers(), frame.body(), this.session.user())));
			}
			else {
				String tag = ackTag(frame);
				tags.computeIfAbsent(owner(tag), (subscription) -> new ArrayList<>()).add(tag);
				settlements.add(frame);
			}
		}
		for (Map.Entry<SessionSubscription, List<String>> entry : tags.entrySet()) {
			String unsettled = entry.getKey().firstUnsettled(entry.getValue());
			if (unsettled != null) {
				throw unknownAck(lastWithTag(settlements, unsettled), unsettled);
			}
		}
		if (!publications.isEmpty()) {
			PublishResult result = this.services.ingress().publishAll(publications);
			if (!result.accepted()) {
				throw new StompViolation(CloseReason.LIMIT_EXCEEDED, result.refusal());
			}
			if (result.isPending()) {
				this.session.awaitStored(result.stored());
			}
		}
		for (Frame frame : settlements) {
			acknowledge(frame, true);
		}
	}

	private Frame lastWithTag(List<Frame> settlements, String tag) throws StompViolation {
		Frame found = null;
		for (Frame frame : settlements) {
			if (tag.equals(ackTag(frame))) {
				found = frame;
			}
		}
		return found;
	}

	private void authorize(Action action, String destination) throws StompViolation {
		authorize(action, destination, destination);
	}

	/**
	 * @param guarded the destination the rules judge: for a presence destination its
	 * room's topic (watching who is in a room takes the right to join it)
	 */
	private void authorize(Action action, String destination, String guarded) throws StompViolation {
		if (!this.services.policy().allows(this.session.identity(), action, guarded)) {
			String why = guarded.equals(destination) ? "" : ", which watching '" + destination + "' needs";
			throw new StompViolation(CloseReason.ACCESS_DENIED, "access denied: " + describe() + " may not "
					+ action.name().toLowerCase(java.util.Locale.ROOT) + " to '" + guarded + "'" + why);
		}
	}

	private String describe() {
		return this.session.identity().isAnonymous() ? "an anonymous client" : "user '" + this.session.user() + "'";
	}

	private Destination parse(String destination, boolean forSend) throws StompViolation {
		Destination parsed;
		try {
			parsed = forSend ? Destination.forSend(destination) : Destination.forSubscribe(destination);
		}
		catch (DestinationException ex) {
			throw new StompViolation(ex.getMessage());
		}
		String refusal = this.services.router().segmentLimitRefusal(parsed);
		if (refusal != null) {
			throw new StompViolation(CloseReason.LIMIT_EXCEEDED, refusal);
		}
		return parsed;
	}

	private static String required(Frame frame, String header) throws StompViolation {
		String value = frame.header(header);
		if (value == null) {
			throw missing(header);
		}
		return value;
	}

	private static StompViolation missing(String header) {
		return new StompViolation("missing required header '" + header + "'");
	}

}
