package io.herald.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.StompVersion;
import io.herald.routing.Destination;
import io.herald.routing.DestinationException;
import io.herald.routing.Publication;
import io.herald.routing.PublishResult;
import io.herald.security.Action;

/**
 * The handlers of client frames after CONNECT (STOMP 1.2, "Client Frames"). Each either
 * completes or throws {@link StompViolation}; the session then sends the RECEIPT or the
 * ERROR. Runs on the session's thread.
 */
final class ClientFrames {

	/**
	 * The reserved destination for in-band token refresh: a SEND here carries a new
	 * bearer token in its body and is never routed.
	 */
	static final String TOKEN_DESTINATION = "/herald/token";

	private ClientFrames() {
	}

	static void handle(Session session, Frame frame) throws StompViolation {
		switch (frame.command()) {
			case SEND -> send(session, frame);
			case SUBSCRIBE -> subscribe(session, frame);
			case UNSUBSCRIBE -> unsubscribe(session, frame);
			case ACK, NACK -> acknowledge(session, frame, false);
			case BEGIN -> session.transactions().begin(required(frame, "transaction"));
			case COMMIT -> commit(session, required(frame, "transaction"));
			case ABORT -> session.transactions().abort(required(frame, "transaction"));
			case DISCONNECT -> session.disconnect(frame.header("receipt"));
			case CONNECT, STOMP -> throw new StompViolation("already connected: " + frame.command() + " sent twice");
			default -> throw new StompViolation(frame.command() + " is not a client command");
		}
	}

	private static void send(Session session, Frame frame) throws StompViolation {
		String destinationName = required(frame, "destination");
		if (TOKEN_DESTINATION.equals(destinationName)) {
			session.refreshToken(frame.bodyAsText().trim());
			return;
		}
		Destination destination = parse(destinationName, true);
		authorize(session, Action.SEND, destinationName);
		String transaction = frame.header("transaction");
		if (transaction != null) {
			session.transactions().add(transaction, frame);
			return;
		}
		PublishResult result = session.broker()
			.publish(destination, frame.header("destination"), frame.headers(), frame.body(), session.user());
		if (!result.accepted()) {
			throw new StompViolation(result.refusal());
		}
	}

	private static void subscribe(Session session, Frame frame) throws StompViolation {
		String destinationName = required(frame, "destination");
		String id = frame.header("id");
		if (id == null) {
			if (session.version() != StompVersion.V1_0) {
				throw missing("id");
			}
			id = destinationName;
		}
		if (session.subscriptions().containsKey(id)) {
			throw new StompViolation("duplicate subscription id '" + id + "' in this session");
		}
		int max = session.settings().maxSubscriptions();
		if (session.subscriptions().size() >= max) {
			throw new StompViolation(
					"subscription '" + id + "' exceeds the limit of " + max + " subscriptions per session");
		}
		SessionSubscription.AckMode ackMode = SessionSubscription.AckMode.parse(frame.header("ack"));
		if (ackMode == null) {
			throw new StompViolation(
					"invalid ack mode '" + frame.header("ack") + "'; use auto, client or client-individual");
		}
		Destination destination = parse(destinationName, false);
		authorize(session, Action.SUBSCRIBE, destinationName);
		if (destination.kind() == Destination.Kind.USER && session.user() == null) {
			throw new StompViolation("destination '" + destinationName
					+ "' needs a user: connect with a login to use /user/ destinations");
		}
		int index = session.nextSubscriptionIndex();
		session.addSubscription(new SessionSubscription(session, id, index, ackMode, destination,
				session.settings().maxUnackedPerSubscription()));
	}

	private static void unsubscribe(Session session, Frame frame) throws StompViolation {
		String id = frame.header("id");
		if (id == null && session.version() == StompVersion.V1_0) {
			id = frame.header("destination");
		}
		if (id == null) {
			throw missing("id");
		}
		SessionSubscription subscription = session.removeSubscription(id);
		if (subscription == null) {
			throw new StompViolation("unknown subscription '" + id + "'");
		}
		subscription.close();
	}

	private static void acknowledge(Session session, Frame frame, boolean committing) throws StompViolation {
		String tag = ackTag(session, frame);
		String transaction = frame.header("transaction");
		if (transaction != null && !committing) {
			session.transactions().add(transaction, frame);
			return;
		}
		SessionSubscription subscription = owner(session, tag);
		boolean settled = (frame.command() == Command.ACK) ? subscription.ack(tag) : subscription.nack(tag);
		if (!settled) {
			throw unknownAck(frame, tag);
		}
	}

	private static String ackTag(Session session, Frame frame) throws StompViolation {
		String tag = (session.version() == StompVersion.V1_2) ? frame.header("id") : frame.header("message-id");
		if (tag == null) {
			tag = (frame.header("id") != null) ? frame.header("id") : frame.header("message-id");
		}
		if (tag == null) {
			throw missing((session.version() == StompVersion.V1_2) ? "id" : "message-id");
		}
		return tag;
	}

	private static SessionSubscription owner(Session session, String tag) throws StompViolation {
		int dash = tag.indexOf('-');
		SessionSubscription subscription = null;
		if (dash > 0) {
			try {
				subscription = session.findSubscriptionByIndex(Integer.parseInt(tag.substring(0, dash)));
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
	private static void commit(Session session, String transaction) throws StompViolation {
		List<Publication> publications = new ArrayList<>();
		List<Frame> settlements = new ArrayList<>();
		Map<SessionSubscription, List<String>> tags = new LinkedHashMap<>();
		for (Frame frame : session.transactions().commit(transaction)) {
			if (frame.command() == Command.SEND) {
				String name = required(frame, "destination");
				Destination destination = parse(name, true);
				authorize(session, Action.SEND, name);
				publications.add(new Publication(destination,
						session.broker().message(destination, name, frame.headers(), frame.body(), session.user())));
			}
			else {
				String tag = ackTag(session, frame);
				tags.computeIfAbsent(owner(session, tag), (subscription) -> new ArrayList<>()).add(tag);
				settlements.add(frame);
			}
		}
		for (Map.Entry<SessionSubscription, List<String>> entry : tags.entrySet()) {
			String unsettled = entry.getKey().firstUnsettled(entry.getValue());
			if (unsettled != null) {
				throw unknownAck(lastWithTag(session, settlements, unsettled), unsettled);
			}
		}
		if (!publications.isEmpty()) {
			PublishResult result = session.broker().publishAll(publications);
			if (!result.accepted()) {
				throw new StompViolation(result.refusal());
			}
		}
		for (Frame frame : settlements) {
			acknowledge(session, frame, true);
		}
	}

	private static Frame lastWithTag(Session session, List<Frame> settlements, String tag) throws StompViolation {
		Frame found = null;
		for (Frame frame : settlements) {
			if (tag.equals(ackTag(session, frame))) {
				found = frame;
			}
		}
		return found;
	}

	private static void authorize(Session session, Action action, String destination) throws StompViolation {
		if (!session.broker().policy().allows(session.identity(), action, destination)) {
			throw new StompViolation("access denied: " + describe(session) + " may not "
					+ action.name().toLowerCase(java.util.Locale.ROOT) + " to '" + destination + "'");
		}
	}

	private static String describe(Session session) {
		return session.identity().isAnonymous() ? "an anonymous client" : "user '" + session.user() + "'";
	}

	private static Destination parse(String destination, boolean forSend) throws StompViolation {
		try {
			return forSend ? Destination.forSend(destination) : Destination.forSubscribe(destination);
		}
		catch (DestinationException ex) {
			throw new StompViolation(ex.getMessage());
		}
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
