package io.herald.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's subscriptions by id and by index (the number within the session that ack
 * ids start with). Owned by the session's {@link Mailbox}: no locks, and only the count
 * is read from elsewhere (snapshots).
 */
final class SubscriptionRegistry {

	private final Map<String, SessionSubscription> byId = new HashMap<>();

	private final Map<Integer, SessionSubscription> byIndex = new HashMap<>();

	private final int max;

	private int lastIndex;

	private volatile int count;

	/** Subscribed by the frame being handled; its queue starts after the RECEIPT. */
	private SessionSubscription starting;

	SubscriptionRegistry(int max) {
		this.max = max;
	}

	/** Checks that a new subscription may take this id, and returns its index. */
	int reserve(String id) throws StompViolation {
		if (this.byId.containsKey(id)) {
			throw new StompViolation("duplicate subscription id '" + id + "' in this session");
		}
		if (this.byId.size() >= this.max) {
			throw new StompViolation(CloseReason.LIMIT_EXCEEDED,
					"subscription '" + id + "' exceeds the limit of " + this.max + " subscriptions per session");
		}
		return ++this.lastIndex;
	}

	void add(SessionSubscription subscription) {
		this.byId.put(subscription.id(), subscription);
		this.byIndex.put(subscription.index(), subscription);
		this.count = this.byId.size();
	}

	/** Removes and returns the subscription, or {@code null} if there is none. */
	SessionSubscription remove(String id) {
		SessionSubscription removed = this.byId.remove(id);
		if (removed != null) {
			this.byIndex.remove(removed.index());
			this.count = this.byId.size();
		}
		return removed;
	}

	/** Lets queue messages flow to the subscription once the frame is answered. */
	void startAfterReceipt(SessionSubscription subscription) {
		this.starting = subscription;
	}

	/** After the frame's RECEIPT: starts the subscription it made, if any. */
	void startPending() {
		SessionSubscription subscribed = this.starting;
		if (subscribed != null) {
			this.starting = null;
			subscribed.start();
		}
	}

	/** The outbound buffer has room again after turning queues away: all may dispatch. */
	void startAll() {
		for (SessionSubscription subscription : this.byId.values().toArray(new SessionSubscription[0])) {
			subscription.start();
		}
	}

	SessionSubscription byIndex(int index) {
		return this.byIndex.get(index);
	}

	List<SessionSubscription> all() {
		return new ArrayList<>(this.byId.values());
	}

	/** Empties the registry, for the session's release. */
	List<SessionSubscription> removeAll() {
		List<SessionSubscription> all = all();
		this.byId.clear();
		this.byIndex.clear();
		this.count = 0;
		this.starting = null;
		return all;
	}

	/** How many subscriptions the session holds; any thread. */
	int count() {
		return this.count;
	}

}
