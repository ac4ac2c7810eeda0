package io.herald.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.herald.routing.Destination;
import io.herald.routing.Message;
import io.herald.routing.QueueConsumer;
import io.herald.routing.Position;
import io.herald.routing.Replay;
import io.herald.routing.Route;
import io.herald.routing.Router;

/**
 * One SUBSCRIBE of one session: receives routed messages, encodes them into the session's
 * outbound buffer and, in the {@code client} and {@code client-individual} ack modes,
 * remembers what was delivered until it is acknowledged (STOMP 1.2, "SUBSCRIBE ack
 * Header", "ACK", "NACK").
 *
 * <p>
 * Ack ids are {@code <index>-<sequence>}, where the index is the subscription's number
 * within its session; the id is used as both {@code ack} and {@code message-id} of the
 * delivery, so 1.0 and 1.1 clients (which acknowledge by {@code message-id}) and 1.2
 * clients (by {@code id}) are served alike. Deliveries run on publishers' threads and
 * acknowledgements and the close on the session's owner ({@link Mailbox}), so the
 * unacknowledged set, and each delivery as a whole, is guarded by this object's monitor,
 * which is never held while calling into the router.
 */
final class SessionSubscription implements QueueConsumer {

	enum AckMode {

		AUTO, CLIENT, CLIENT_INDIVIDUAL;

		static AckMode parse(String header) {
			if (header == null || header.equals("auto")) {
				return AUTO;
			}
			if (header.equals("client")) {
				return CLIENT;
			}
			if (header.equals("client-individual")) {
				return CLIENT_INDIVIDUAL;
			}
			return null;
		}

	}

	private final Session session;

	private final String id;

	private final int index;

	private final AckMode ackMode;

	private final Destination destination;

	private final byte[] subscriptionHead;

	private final int maxUnacked;

	private final Map<String, Message> unacked = new LinkedHashMap<>();

	private long sequence;

	private boolean closed;

	private volatile Route route;

	/**
	 * While {@link #showRetained} runs: live messages of retaining topics, held back.
	 * Guarded by this.
	 */
	private List<Message> heldBack;

	/** {@code x-herald-max-rate}: deliveries per second per destination, 0 for none. */
	private final double maxRate;

	private final String presenceInfo;

	/** Made at the first delivery under flow control. Guarded by this. */
	private FlowControl flow;

	private boolean rateFlushScheduled;

	/** Most live messages held back while a catch-up runs. */
	static final int MAX_HELD_BACK = 10_000;

	/** While {@link #showRetained} runs: the sequence of each retained value shown. */
	private Map<String, Long> shownRetained;

	/**
	 * Of a resumed subscription, until its first delivery carries it: whether nothing was
	 * missed; {@code null} otherwise.
	 */
	private Boolean recovered;

	/**
	 * @param maxRate the SUBSCRIBE's {@code x-herald-max-rate}, deliveries per second per
	 * destination; 0 for none
	 */
	/**
	 * @param maxRate its {@code x-herald-max-rate}, 0 for none
	 * @param presenceInfo its {@code x-herald-presence-info} (valid JSON), or
	 * {@code null}
	 */
	SessionSubscription(Session session, String id, int index, AckMode ackMode, Destination destination, int maxUnacked,
			double maxRate, String presenceInfo) {
		this.maxRate = maxRate;
		this.presenceInfo = presenceInfo;
		this.session = session;
		this.id = id;
		this.index = index;
		this.ackMode = ackMode;
		this.destination = destination;
		this.subscriptionHead = MessageFrames.subscriptionHead(id, session.version());
		this.maxUnacked = maxUnacked;
	}

	String id() {
		return this.id;
	}

	@Override
	public String sessionId() {
		return this.session.id();
	}

	@Override
	public String presenceInfo() {
		return this.presenceInfo;
	}

	int index() {
		return this.index;
	}

	Destination destination() {
		return this.destination;
	}

	/** A snapshot for operators. */
	synchronized SubscriptionInfo info() {
		return new SubscriptionInfo(this.id, this.destination.clientName(),
				this.ackMode.name().toLowerCase(Locale.ROOT).replace('_', '-'), this.unacked.size());
	}

	void attach(Route route) {
		this.route = route;
	}

	/**
	 * Lets queued messages flow to this subscription, and what flow control kept while
	 * the buffer was full.
	 */
	void start() {
		Route current = this.route;
		if (current != null) {
			current.ready();
		}
		flushBehind();
	}

	/**
	 * Takes a delivery, atomically with respect to {@link #close}: the closed check, the
	 * offer to the session's buffer and the recording of the ack tag happen under this
	 * subscription's monitor, so a message is either in the buffer and (in a client ack
	 * mode) unacknowledged here, to be handed back flagged by a close, or refused and
	 * left to the queue, never both. Offering takes no lock (the buffer is lock-free and
	 * a full one only seals it and posts the release), so the lock order holds.
	 */
	@Override
	public synchronized boolean deliver(Message message, boolean redelivered) {
		if (this.heldBack != null && (message.retainSequence() != 0 || message.offset() != 0)) {
			// a live message of a topic that remembers while its memory is shown
			if (this.heldBack.size() >= MAX_HELD_BACK) {
				this.session.close(CloseReason.SLOW_CONSUMER, "slow consumer: more than " + MAX_HELD_BACK
						+ " live messages arrived while the subscription's retained values or history were shown", null,
						null);
				return false;
			}
			this.heldBack.add(message);
			return true;
		}
		if (this.flow != null || FlowControl.applies(message.rule(), this.maxRate)) {
			return deliverControlled(message, redelivered);
		}
		return deliverNow(message, redelivered, false);
	}

	/**
	 * A delivery under flow control (a topic whose rule conflates or drops the oldest, or
	 * a rate-limited subscription): out now when nothing waits and the buffer has room,
	 * otherwise kept as the policy says, to go out when the buffer drains or the interval
	 * passes.
	 */
	private boolean deliverControlled(Message message, boolean redelivered) {
		if (this.flow == null) {
			this.flow = new FlowControl(this.maxRate);
		}
		if (this.closed) {
			return false;
		}
		long now = this.session.nanos();
		// asking arms the room callback, which flushes what waits (start())
		boolean behind = this.session.outbound().isBehind();
		if (this.flow.hold(message, behind, now, this.session.stats())) {
			if (this.flow.hasRateLimited()) {
				scheduleRateFlush(1);
			}
			return true;
		}
		boolean sent = deliverNow(message, redelivered, false);
		if (sent) {
			this.flow.sent(message, now);
		}
		return sent;
	}

	/** What waited while the session was behind goes out while the buffer has room. */
	private synchronized void flushBehind() {
		if (this.flow == null || this.closed) {
			return;
		}
		while (!this.session.outbound().isBehind()) {
			Map.Entry<Message, FlowControl.Marks> next = this.flow.nextBehind();
			if (next == null) {
				return;
			}
			long now = this.session.nanos();
			if (deliverNow(next.getKey(), false, false, next.getValue())) {
				this.flow.sent(next.getKey(), now);
			}
		}
	}

	private void scheduleRateFlush(long delayNanos) {
		if (this.rateFlushScheduled) {
			return;
		}
		this.rateFlushScheduled = true;
		this.session.scheduleNanos(this::flushRateLimited, delayNanos);
	}

	private synchronized void flushRateLimited() {
		this.rateFlushScheduled = false;
		if (this.closed || this.flow == null) {
			return;
		}
		long now = this.session.nanos();
		long next = this.flow.dueRateLimited(now, (message, marks) -> {
			if (deliverNow(message, false, false, marks)) {
				this.flow.sent(message, now);
			}
		});
		if (next >= 0) {
			scheduleRateFlush(next);
		}
	}

	/**
	 * Shows a new topic subscription the retained value of every topic it matches, before
	 * any live message of those topics: live messages of retaining topics that arrive
	 * meanwhile are held back, then delivered unless the retained value shown was that
	 * message or a later one (sequences only grow). Called once, by the session's owner,
	 * after the subscription is in the router.
	 */
	void showRetained(Router router) {
		router.forEachRetained(this.destination, this::deliverRetained);
		releaseHeldBack(null, 0);
	}

	/**
	 * Replays the topic's history to a resuming subscription (what followed
	 * {@code since}, or the last {@code rewind} messages), then lets live messages
	 * through: those the history already held when it was read are not delivered again.
	 * The first delivery carries {@code x-herald-recovered}. Called once, by the
	 * session's owner, after the subscription is in the router.
	 * @return whether nothing was missed
	 */
	boolean resume(Router router, Position since, int rewind) {
		Replay replay = router.replay(this.destination, since, rewind, this::answer, this::deliverReplayed);
		releaseHeldBack(replay.epoch(), replay.lastOffset());
		return replay.recovered();
	}

	/** The replay's answer, before its first message: the first delivery carries it. */
	private synchronized void answer(boolean recoveredAll) {
		this.recovered = recoveredAll;
	}

	private synchronized void deliverReplayed(Message message) {
		deliverNow(message, false, false);
	}

	/**
	 * Starts holding back live messages of topics that remember, before the subscription
	 * enters the router, so that none reaches the client ahead of what
	 * {@link #showRetained} or {@link #resume} then shows. At most
	 * {@value #MAX_HELD_BACK} are held; beyond them the session is a slow consumer.
	 */
	synchronized void holdBack() {
		this.heldBack = new ArrayList<>();
		this.shownRetained = new HashMap<>();
	}

	/**
	 * Ends a catch-up: the live messages held back go out, but for those the catch-up
	 * showed already (a retained value that recent or later, a history offset at or below
	 * {@code replayedUpTo}).
	 */
	private synchronized void releaseHeldBack(String replayedEpoch, long replayedUpTo) {
		List<Message> held = this.heldBack;
		Map<String, Long> shown = this.shownRetained;
		this.heldBack = null;
		this.shownRetained = null;
		for (Message message : held) {
			Long retained = shown.get(message.destination());
			boolean shownAlready = (retained != null && message.retainSequence() != 0
					&& message.retainSequence() <= retained)
					|| (replayedEpoch != null && replayedEpoch.equals(message.epoch())
							&& message.offset() <= replayedUpTo);
			if (!shownAlready) {
				deliverNow(message, false, false);
			}
		}
	}

	private synchronized void deliverRetained(Message message) {
		this.shownRetained.put(message.destination(), message.retainSequence());
		deliverNow(message, false, true);
	}

	private boolean deliverNow(Message message, boolean redelivered, boolean retained) {
		return deliverNow(message, redelivered, retained, FlowControl.Marks.NONE);
	}

	/**
	 * @param marks how many messages flow control conflated into this one or dropped
	 * before it
	 */
	private boolean deliverNow(Message message, boolean redelivered, boolean retained, FlowControl.Marks marks) {
		if (this.closed) {
			return false;
		}
		String tag = null;
		if (this.ackMode != AckMode.AUTO) {
			if (this.unacked.size() >= this.maxUnacked) {
				// only topics get here: queues ask hasCapacity() first
				this.session.close(CloseReason.LIMIT_EXCEEDED, "subscription '" + this.id + "' exceeds the limit of "
						+ this.maxUnacked + " unacknowledged messages", null, null);
				return false;
			}
			tag = this.index + "-" + (this.sequence + 1);
		}
		String messageId = (tag != null) ? tag : message.messageId();
		String recoveredNow = (this.recovered != null) ? this.recovered.toString() : null;
		OutboundFrame frame = MessageFrames.encode(message, this.session.version(), this.subscriptionHead, messageId,
				tag, redelivered, retained, recoveredNow, marks);
		if (!this.session.enqueue(frame)) {
			return false;
		}
		this.session.stats().deliveredOne();
		this.recovered = null;
		if (tag != null) {
			this.sequence++;
			this.unacked.put(tag, message);
		}
		return true;
	}

	@Override
	public synchronized boolean hasCapacity() {
		return !this.closed && (this.ackMode == AckMode.AUTO || this.unacked.size() < this.maxUnacked)
				&& this.session.outbound().hasRoomForQueues();
	}

	@Override
	public boolean settlesByAck() {
		return this.ackMode != AckMode.AUTO;
	}

	/** Whether this subscription delivered the tag and has not had it acknowledged. */
	synchronized boolean holds(String tag) {
		return this.unacked.containsKey(tag);
	}

	/**
	 * Acknowledges a delivery: in {@code client} mode it and everything delivered before
	 * it on this subscription, in {@code client-individual} mode only it.
	 * @return whether the tag was outstanding
	 */
	boolean ack(String tag) {
		List<Message> acknowledged = settle(tag);
		if (acknowledged == null) {
			return false;
		}
		Route current = this.route;
		if (current != null) {
			current.settled(acknowledged);
			current.ready();
		}
		return true;
	}

	/** Rejects a delivery (cumulatively in {@code client} mode): queues redeliver it. */
	boolean nack(String tag) {
		List<Message> rejected = settle(tag);
		if (rejected == null) {
			return false;
		}
		Route current = this.route;
		if (current != null) {
			current.requeue(rejected);
		}
		return true;
	}

	/**
	 * A dry run of acknowledging the tags in order, as a transaction's COMMIT will.
	 * @return the first tag that would not be outstanding by its turn, or {@code null}
	 */
	synchronized String firstUnsettled(List<String> tags) {
		List<String> outstanding = new ArrayList<>(this.unacked.keySet());
		for (String tag : tags) {
			int position = outstanding.indexOf(tag);
			if (position < 0) {
				return tag;
			}
			if (this.ackMode == AckMode.CLIENT) {
				outstanding.subList(0, position + 1).clear();
			}
			else {
				outstanding.remove(position);
			}
		}
		return null;
	}

	private synchronized List<Message> settle(String tag) {
		if (!this.unacked.containsKey(tag)) {
			return null;
		}
		List<Message> settled = new ArrayList<>();
		if (this.ackMode == AckMode.CLIENT) {
			Iterator<Map.Entry<String, Message>> entries = this.unacked.entrySet().iterator();
			while (entries.hasNext()) {
				Map.Entry<String, Message> entry = entries.next();
				settled.add(entry.getValue());
				entries.remove();
				if (entry.getKey().equals(tag)) {
					break;
				}
			}
		}
		else {
			settled.add(this.unacked.remove(tag));
		}
		return settled;
	}

	/** Stops deliveries and hands unacknowledged queue messages back for redelivery. */
	void close() {
		List<Message> pending;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			pending = new ArrayList<>(this.unacked.values());
			this.unacked.clear();
		}
		Route current = this.route;
		if (current != null) {
			current.cancel();
			current.requeue(pending);
		}
	}

}
