package io.herald.session;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.herald.routing.Message;
import io.herald.routing.TopicRules;

/**
 * Flow control of one topic subscription, per destination it receives: while the session
 * is behind (more than {@link Outbound#BEHIND_BYTES} wait in its outbound buffer), a
 * {@code conflate} destination keeps only its latest undelivered message and a
 * {@code drop-oldest} one drops its oldest beyond {@value #MAX_QUEUED}; with
 * {@code x-herald-max-rate}, at most that many deliveries per second go out per
 * destination, always the latest value, none withheld longer than one interval.
 * Subscribers that keep up pay nothing: a message goes straight out when nothing waits
 * and the buffer has room. Guarded by the subscription's monitor.
 *
 * <p>
 * Memory is bounded by what the subscription watches: a conflating or rate-limited
 * destination holds at most one pending message, a dropping one at most
 * {@value #MAX_QUEUED}.
 */
final class FlowControl {

	/** Most messages a {@code drop-oldest} subscription keeps while it is behind. */
	static final int MAX_QUEUED = 1_000;

	/** The subscription's own {@code x-herald-max-rate}; 0 for none. */
	private final double askedRate;

	/** Waiting while behind, in arrival order: latest per destination, or queued. */
	private final LinkedHashMap<String, Pending> conflated = new LinkedHashMap<>();

	private final ArrayDeque<Message> queued = new ArrayDeque<>();

	private int dropped;

	/** Rate limiting: when each destination last got a delivery, and what waits. */
	private final Map<String, Long> lastSent = new HashMap<>();

	private final LinkedHashMap<String, Pending> rateLimited = new LinkedHashMap<>();

	FlowControl(double askedRate) {
		this.askedRate = askedRate;
	}

	/** What a delivery says of the messages it stands for. */
	record Marks(int conflated, int dropped) {

		static final Marks NONE = new Marks(0, 0);

	}

	private static final class Pending {

		Message message;

		int replaced;

		Pending(Message message) {
			this.message = message;
		}

	}

	/** Whether a message of this rule goes through flow control. */
	static boolean applies(TopicRules.Rule rule, double askedRate) {
		return rule != null && (rule.slowConsumer() != TopicRules.SlowConsumer.DISCONNECT || askedRate > 0);
	}

	/** The interval between deliveries of one destination, 0 for none. */
	long intervalNanos(TopicRules.Rule rule) {
		if (this.askedRate <= 0) {
			return 0;
		}
		double rate = (rule.maxRate() > 0) ? Math.min(this.askedRate, rule.maxRate()) : this.askedRate;
		return (long) (1e9 / rate);
	}

	/**
	 * Takes a message that may not go out now.
	 * @return {@code true} when it was kept (or conflated, or dropped) instead of sent;
	 * {@code false} when it should go out now
	 */
	boolean hold(Message message, boolean behind, long now, Stats stats) {
		String destination = message.destination();
		TopicRules.Rule rule = message.rule();
		long interval = intervalNanos(rule);
		if (interval > 0) {
			Long last = this.lastSent.get(destination);
			Pending waiting = this.rateLimited.get(destination);
			if (waiting != null || (last != null && now - last < interval)) {
				if (waiting == null) {
					this.rateLimited.put(destination, new Pending(message));
				}
				else {
					waiting.message = message;
					waiting.replaced++;
				}
				stats.rateLimited();
				return true;
			}
		}
		boolean waitingAlready = !this.conflated.isEmpty() || !this.queued.isEmpty();
		if (!behind && !waitingAlready) {
			return false;
		}
		switch (rule.slowConsumer()) {
			case CONFLATE -> {
				Pending waiting = this.conflated.get(destination);
				if (waiting == null) {
					this.conflated.put(destination, new Pending(message));
				}
				else {
					waiting.message = message;
					waiting.replaced++;
					stats.conflated();
				}
				return true;
			}
			case DROP_OLDEST -> {
				this.queued.addLast(message);
				if (this.queued.size() > MAX_QUEUED) {
					this.queued.pollFirst();
					this.dropped++;
					stats.dropped();
				}
				return true;
			}
			default -> {
				// disconnect, but rate limited: a rate-limited message out of its
				// interval
				return false;
			}
		}
	}

	/** Notes a delivery of a destination, for the rate limit. */
	void sent(Message message, long now) {
		if (message.rule() != null && intervalNanos(message.rule()) > 0) {
			this.lastSent.put(message.destination(), now);
		}
	}

	/**
	 * The next message waiting while behind, with its marks, or {@code null}.
	 */
	Map.Entry<Message, Marks> nextBehind() {
		Iterator<Map.Entry<String, Pending>> first = this.conflated.entrySet().iterator();
		if (first.hasNext()) {
			Pending pending = first.next().getValue();
			first.remove();
			return Map.entry(pending.message, new Marks(pending.replaced, 0));
		}
		Message oldest = this.queued.pollFirst();
		if (oldest == null) {
			return null;
		}
		Marks marks = (this.dropped > 0) ? new Marks(0, this.dropped) : Marks.NONE;
		this.dropped = 0;
		return Map.entry(oldest, marks);
	}

	/**
	 * The rate-limited messages whose interval has passed, in arrival order, with their
	 * marks; removes them.
	 * @return the nanoseconds until the next one is due, or -1 when none waits
	 */
	long dueRateLimited(long now, java.util.function.BiConsumer<Message, Marks> deliver) {
		long next = -1;
		Iterator<Map.Entry<String, Pending>> waiting = this.rateLimited.entrySet().iterator();
		while (waiting.hasNext()) {
			Map.Entry<String, Pending> entry = waiting.next();
			Pending pending = entry.getValue();
			long interval = intervalNanos(pending.message.rule());
			Long last = this.lastSent.get(entry.getKey());
			long due = (last == null) ? now : last + interval;
			if (due <= now) {
				waiting.remove();
				deliver.accept(pending.message, new Marks(pending.replaced, 0));
			}
			else if (next < 0 || due - now < next) {
				next = due - now;
			}
		}
		return next;
	}

	boolean hasRateLimited() {
		return !this.rateLimited.isEmpty();
	}

	/** Counters of what flow control did, for the broker's metrics. */
	interface Stats {

		void conflated();

		void dropped();

		void rateLimited();

	}

}
