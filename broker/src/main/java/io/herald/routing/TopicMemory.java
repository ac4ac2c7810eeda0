package io.herald.routing;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.herald.memory.MemoryBudget;

/**
 * What topics remember: the retained last message of each retaining topic, and the
 * history (the last {@code history-size} messages, numbered) of each topic with one.
 * Bounded in retained topics ({@code herald.topics.max-retained}) and in bytes, both
 * kinds together ({@code herald.topics.max-memory}); beyond them the least recently
 * updated retained value and the oldest messages of the publishing topic's history go
 * first, counted. Everything held is charged to the node's memory budget.
 *
 * <p>
 * Ordering. Each topic has a {@link Slot} whose monitor a publish of that topic holds
 * from storing its message (value, offset) through the fan-out, and which a new
 * subscription's snapshot or replay takes to read. A subscriber added to the tree before
 * its snapshot therefore either got a publish live before the snapshot read that topic
 * (and the snapshot holds that message) or gets it after; retained values carry a
 * sequence and history messages an offset, both only growing, so the subscription can
 * tell the two apart: no gap, nothing twice, never an older value after a newer one. Lock
 * order: slot, then subscriber; the store's own monitor is taken inside a slot's, and
 * slots are never nested.
 *
 * <p>
 * Epochs. A history's offsets count from 1 in an epoch that names this node's run and the
 * history: a restart, or a history that emptied (its slot retired) and started again, has
 * a new epoch, so a client resuming with an old position learns that the broker cannot
 * vouch for what came between.
 */
final class TopicMemory {

	private final int maxTopics;

	private final long maxBytes;

	private final MemoryBudget memory;

	private final LongSupplier nanoClock;

	private final String nodeEpoch = Long.toString(new SecureRandom().nextLong() >>> 1, 36);

	private final AtomicLong histories = new AtomicLong();

	private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	/** Retained values, least recently updated first; guarded by this. */
	private final LinkedHashMap<String, Message> order = new LinkedHashMap<>();

	/** Bytes of retained values and of histories; guarded by this. */
	private long retainedBytes;

	private long historyBytes;

	private long evicted;

	private long duplicates;

	/**
	 * @param maxTopics most topics holding a retained value
	 * @param maxBytes most bytes retained values and histories hold together
	 */
	TopicMemory(int maxTopics, long maxBytes, MemoryBudget memory) {
		this(maxTopics, maxBytes, memory, System::nanoTime);
	}

	TopicMemory(int maxTopics, long maxBytes, MemoryBudget memory, LongSupplier nanoClock) {
		this.maxTopics = maxTopics;
		this.maxBytes = maxBytes;
		this.memory = memory;
		this.nanoClock = nanoClock;
	}

	/**
	 * Publishes a message of a topic that remembers: stores it as the topic's retained
	 * value when the rule says so (an empty body clears the value instead, as MQTT does),
	 * numbers it into the topic's history when it has one, and fans it out, atomically
	 * with respect to snapshots and replays of that topic.
	 * @param fanOut hands the message to the topic's subscribers
	 */
	PublishResult publish(String topic, Message message, TopicRules.Rule rule,
			Function<Message, PublishResult> fanOut) {
		PublishResult result = null;
		List<Map.Entry<String, Message>> victims = List.of();
		try {
			while (result == null) {
				Slot slot = this.slots.computeIfAbsent(topic, Slot::new);
				synchronized (slot) {
					if (slot.removed) {
						// emptied meanwhile and out of the map: take a new one
						continue;
					}
					slot.rule = rule;
					if (rule.idempotencyWindowNanos() > 0 && message.idempotencyKey() != null
							&& slot.seen(message.idempotencyKey(), this.nanoClock.getAsLong(), rule, this)) {
						countDuplicate();
						retireIfEmpty(slot);
						return PublishResult.DUPLICATE;
					}
					if (rule.retains(message)) {
						message.setRetainSequence(this.sequence.incrementAndGet());
						boolean clear = message.body().length == 0;
						slot.value.set(clear ? null : message);
						victims = account(slot.topic, clear ? null : message);
					}
					if (rule.keepsHistory()) {
						append(slot, message, rule);
					}
					retireIfEmpty(slot);
					result = fanOut.apply(message);
				}
			}
		}
		finally {
			// outside the publishing slot: slots are taken one at a time, never nested;
			// and whatever the fan-out did, since the victims are no longer counted
			clearVictims(victims);
		}
		return result;
	}

	/**
	 * Takes the retained value another node of the cluster holds for a topic this node
	 * holds none of (a node that starts, or comes back, hears so of the values published
	 * before): stored, not delivered; a value of this node's own wins.
	 * @return whether it was stored
	 */
	boolean adopt(String topic, Message message, TopicRules.Rule rule) {
		if (rule.retain() == TopicRules.Retain.NONE || message.body().length == 0) {
			return false;
		}
		List<Map.Entry<String, Message>> victims = List.of();
		try {
			while (true) {
				Slot slot = this.slots.computeIfAbsent(topic, Slot::new);
				synchronized (slot) {
					if (slot.removed) {
						continue;
					}
					if (slot.value.get() != null) {
						return false;
					}
					slot.rule = rule;
					message.setRetainSequence(this.sequence.incrementAndGet());
					slot.value.set(message);
					victims = account(slot.topic, message);
					return true;
				}
			}
		}
		finally {
			clearVictims(victims);
		}
	}

	private void clearVictims(List<Map.Entry<String, Message>> victims) {
		for (Map.Entry<String, Message> victim : victims) {
			Slot slot = this.slots.get(victim.getKey());
			if (slot != null) {
				synchronized (slot) {
					if (slot.value.compareAndSet(victim.getValue(), null)) {
						retireIfEmpty(slot);
					}
				}
			}
		}
	}

	/**
	 * Forgets what has outlived its time (history messages past their TTL, idempotency
	 * keys past their window) in every slot, one slot at a time, and retires the slots
	 * left empty: topics nobody publishes to any more give their memory back. Called
	 * periodically.
	 * @return how many slots were retired
	 */
	int sweep() {
		int retired = 0;
		for (Slot slot : this.slots.values()) {
			synchronized (slot) {
				if (slot.removed || slot.rule == null) {
					continue;
				}
				long now = this.nanoClock.getAsLong();
				long freed = (slot.history != null) ? slot.history.expire(now, slot.rule.historyTtlNanos()) : 0;
				freed += slot.forgetKeys(now, slot.rule, Integer.MAX_VALUE);
				if (freed > 0) {
					accountHistory(-freed);
				}
				retireIfEmpty(slot);
				if (slot.removed) {
					retired++;
				}
			}
		}
		return retired;
	}

	/** Numbers the message into the slot's history and trims it. Under the slot. */
	private void append(Slot slot, Message message, TopicRules.Rule rule) {
		History history = slot.history;
		if (history == null) {
			history = new History(this.nodeEpoch + "-" + Long.toString(this.histories.incrementAndGet(), 36));
			slot.history = history;
		}
		long now = this.nanoClock.getAsLong();
		long freed = history.expire(now, rule.historyTtlNanos());
		message.setOffset(history.epoch, history.next++);
		history.entries.addLast(new Entry(message, now));
		long added = message.footprint();
		while (history.entries.size() > rule.historySize()) {
			freed += history.entries.pollFirst().message().footprint();
		}
		long over = accountHistory(added - freed);
		// over the histories' half of the bound: this topic's oldest go first, down to
		// none
		// (it then cannot vouch for a resume, and says so), so that many topics with a
		// message each cannot outgrow the bound either
		while (over > 0 && !history.entries.isEmpty()) {
			long footprint = history.entries.pollFirst().message().footprint();
			over = accountHistory(-footprint);
			countEviction();
		}
	}

	/**
	 * Counts a change in what histories and idempotency keys hold.
	 * @return by how much they exceed their half of {@code herald.topics.max-memory}
	 */
	private synchronized long accountHistory(long delta) {
		this.historyBytes += delta;
		charge(delta);
		return this.historyBytes - this.maxBytes / 2;
	}

	/** Charges the node's memory budget with a change in what is held. */
	private void charge(long delta) {
		if (delta > 0) {
			this.memory.reserve(delta);
		}
		else if (delta < 0) {
			this.memory.release(-delta);
		}
	}

	private synchronized void countEviction() {
		this.evicted++;
	}

	private synchronized void countDuplicate() {
		this.duplicates++;
	}

	/**
	 * Idempotency keys remembered, each a few dozen bytes, counted with the histories.
	 */
	private static final int KEY_OVERHEAD = 64;

	/** Most idempotency keys one topic remembers, whatever its window. */
	static final int MAX_KEYS_PER_TOPIC = 100_000;

	/**
	 * Counts a topic's new retained value (or its clearing) and takes out of the count
	 * the least recently updated values beyond the bounds.
	 * @return the values taken out, for the caller to clear from their slots
	 */
	private synchronized List<Map.Entry<String, Message>> account(String topic, Message value) {
		Message before = this.order.remove(topic);
		long delta = -((before != null) ? before.footprint() : 0);
		if (value != null) {
			this.order.put(topic, value);
			delta += value.footprint();
		}
		this.retainedBytes += delta;
		charge(delta);
		List<Map.Entry<String, Message>> victims = new ArrayList<>();
		// retained values have half of max-memory, histories and keys the other half, so
		// neither can push the other out; the value just stored is never its own victim
		Iterator<Map.Entry<String, Message>> oldest = this.order.entrySet().iterator();
		while ((this.order.size() > this.maxTopics || this.retainedBytes > this.maxBytes / 2) && oldest.hasNext()) {
			Map.Entry<String, Message> entry = oldest.next();
			if (entry.getKey().equals(topic)) {
				break;
			}
			oldest.remove();
			this.retainedBytes -= entry.getValue().footprint();
			this.memory.release(entry.getValue().footprint());
			this.evicted++;
			victims.add(Map.entry(entry.getKey(), entry.getValue()));
		}
		return victims;
	}

	/**
	 * A slot with neither a value nor a history leaves the map, so that topics once
	 * remembered cost nothing. Under the slot's monitor.
	 */
	private void retireIfEmpty(Slot slot) {
		if (slot.value.get() == null && (slot.history == null || slot.history.entries.isEmpty()) && !slot.hasKeys()) {
			slot.removed = true;
			this.slots.remove(slot.topic, slot);
		}
	}

	/**
	 * Hands the retained value of every topic the pattern matches to the consumer, each
	 * read and handed over under its topic's slot.
	 * @param pattern a topic name or pattern without {@code /topic/}
	 */
	void forEachMatching(String pattern, Consumer<Message> consumer) {
		DestinationPattern compiled = DestinationPattern.compile(DestinationName.TOPIC_PREFIX + pattern);
		List<Slot> matching = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			if (compiled.covers(slot.segments, null)) {
				matching.add(slot);
			}
		}
		matching.sort((a, b) -> a.topic.compareTo(b.topic));
		for (Slot slot : matching) {
			synchronized (slot) {
				Message value = slot.value.get();
				if (value != null && !slot.removed) {
					consumer.accept(value);
				}
			}
		}
	}

	/**
	 * Replays a topic's history, under its slot: what followed {@code since}, or the last
	 * {@code rewind} messages.
	 * @return whether nothing was missed, and the history's last offset
	 */
	Replay replay(String topic, TopicRules.Rule rule, Position since, int rewind, Consumer<Boolean> answer,
			Consumer<Message> consumer) {
		Slot slot = this.slots.get(topic);
		if (slot == null) {
			// no history (any more): a position cannot be vouched for, a rewind gets none
			answer.accept(false);
			return new Replay(false, null, 0);
		}
		synchronized (slot) {
			History history = slot.history;
			if (history == null || slot.removed) {
				answer.accept(false);
				return new Replay(false, null, 0);
			}
			long freed = history.expire(this.nanoClock.getAsLong(), rule.historyTtlNanos());
			if (freed > 0) {
				accountHistory(-freed);
			}
			long last = history.next - 1;
			long first = history.entries.isEmpty() ? history.next : history.entries.peekFirst().message().offset();
			boolean recovered;
			long after;
			if (since != null) {
				boolean sameEpoch = history.epoch.equals(since.epoch());
				recovered = sameEpoch && since.offset() >= first - 1 && since.offset() <= last;
				after = recovered ? since.offset() : 0;
			}
			else {
				recovered = history.entries.size() >= rewind;
				after = Math.max(0, last - rewind);
			}
			answer.accept(recovered);
			for (Entry entry : history.entries) {
				if (entry.message().offset() > after) {
					consumer.accept(entry.message());
				}
			}
			return new Replay(recovered, history.epoch, last);
		}
	}

	synchronized int count() {
		return this.order.size();
	}

	synchronized long bytes() {
		return this.retainedBytes + this.historyBytes;
	}

	synchronized long evicted() {
		return this.evicted;
	}

	/** SENDs not routed again because their idempotency key was seen in the window. */
	synchronized long duplicates() {
		return this.duplicates;
	}

	/** One topic's retained value and history, and the monitor that orders them. */
	private static final class Slot {

		final String topic;

		final String[] segments;

		final AtomicReference<Message> value = new AtomicReference<>();

		/** Guarded by this. */
		History history;

		/**
		 * Out of the map: a publish that finds it so takes a new slot. Guarded by this.
		 */
		boolean removed;

		/** Idempotency keys seen, oldest first, with when. Guarded by this. */
		LinkedHashMap<String, Long> keys;

		/**
		 * The topic's rule, as its last publish had it, for the sweep. Guarded by this.
		 */
		TopicRules.Rule rule;

		/**
		 * Forgets the keys past the window, and the oldest while {@code keep} or more are
		 * left.
		 * @return the bytes they held
		 */
		long forgetKeys(long now, TopicRules.Rule rule, int keep) {
			long freed = 0;
			if (this.keys != null) {
				Iterator<Map.Entry<String, Long>> oldest = this.keys.entrySet().iterator();
				while (oldest.hasNext()) {
					Map.Entry<String, Long> entry = oldest.next();
					if (now - entry.getValue() <= rule.idempotencyWindowNanos() && this.keys.size() < keep) {
						break;
					}
					oldest.remove();
					freed += KEY_OVERHEAD + entry.getKey().length();
				}
			}
			return freed;
		}

		/**
		 * Whether the key was seen within the window; remembers it otherwise. Forgets
		 * keys past the window first, and the oldest beyond
		 * {@value TopicMemory#MAX_KEYS_PER_TOPIC}.
		 */
		boolean seen(String key, long now, TopicRules.Rule rule, TopicMemory store) {
			if (this.keys == null) {
				this.keys = new LinkedHashMap<>();
			}
			long freed = forgetKeys(now, rule, MAX_KEYS_PER_TOPIC);
			Long at = this.keys.get(key);
			boolean seen = at != null && now - at <= rule.idempotencyWindowNanos();
			if (!seen) {
				this.keys.put(key, now);
				freed -= KEY_OVERHEAD + key.length();
			}
			if (freed != 0 && store.accountHistory(-freed) > 0) {
				// over the node's bound: this topic's oldest keys go first
				Iterator<Map.Entry<String, Long>> old = this.keys.entrySet().iterator();
				long over = 1;
				while (over > 0 && !this.keys.isEmpty() && old.hasNext()) {
					Map.Entry<String, Long> entry = old.next();
					old.remove();
					over = store.accountHistory(-(KEY_OVERHEAD + entry.getKey().length()));
				}
			}
			return seen;
		}

		boolean hasKeys() {
			return this.keys != null && !this.keys.isEmpty();
		}

		Slot(String topic) {
			this.topic = topic;
			this.segments = DestinationPattern.segments(DestinationName.TOPIC_PREFIX + topic);
		}

	}

	/** A topic's numbered last messages, oldest first. Guarded by its slot. */
	private static final class History {

		final String epoch;

		final ArrayDeque<Entry> entries = new ArrayDeque<>();

		long next = 1;

		History(String epoch) {
			this.epoch = epoch;
		}

		/**
		 * Drops the messages older than the time to live.
		 * @return the bytes they held
		 */
		long expire(long now, long ttlNanos) {
			long freed = 0;
			while (ttlNanos > 0 && !this.entries.isEmpty() && now - this.entries.peekFirst().at() > ttlNanos) {
				freed += this.entries.pollFirst().message().footprint();
			}
			return freed;
		}

	}

	/** A message in a history, with when it was stored. */
	private record Entry(Message message, long at) {
	}

}
