package io.herald.routing;

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

import io.herald.memory.MemoryBudget;

/**
 * The retained last message of each retaining topic, bounded in count
 * ({@code herald.topics.max-retained}) and bytes ({@code herald.topics.max-memory}),
 * evicting the least recently updated first, and charged to the node's memory budget.
 *
 * <p>
 * Ordering. Each topic has a {@link Slot} whose monitor a publish of a retaining topic
 * holds from storing its message through the fan-out, and which a new subscription's
 * snapshot takes to read the value. A subscriber added to the tree before its snapshot
 * therefore either got a publish live before the snapshot read that topic (and the
 * snapshot's value is that message or a later one) or gets it after; every retained value
 * carries a sequence number that only grows, so the subscription can tell the two apart
 * and never shows an older value after a newer one, nor one message twice. Lock order:
 * slot, then subscriber; the store's own monitor is taken inside a slot's, never the
 * other way round.
 */
final class RetainedValues {

	private final int maxTopics;

	private final long maxBytes;

	private final MemoryBudget memory;

	private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

	private final AtomicLong sequence = new AtomicLong();

	/** Retained values, least recently updated first; guarded by this. */
	private final LinkedHashMap<String, Message> order = new LinkedHashMap<>();

	private long bytes;

	private long evicted;

	/**
	 * @param maxTopics most topics holding a retained value
	 * @param maxBytes most bytes their messages hold together
	 */
	RetainedValues(int maxTopics, long maxBytes, MemoryBudget memory) {
		this.maxTopics = maxTopics;
		this.maxBytes = maxBytes;
		this.memory = memory;
	}

	/**
	 * Publishes a message of a retaining topic: stores it as the topic's value (an empty
	 * body clears the value instead, as MQTT does) and fans it out, atomically with
	 * respect to snapshots of that topic.
	 * @param fanOut hands the message to the topic's subscribers
	 */
	PublishResult publish(String topic, Message message, Function<Message, PublishResult> fanOut) {
		PublishResult result = null;
		List<Map.Entry<String, Message>> victims = List.of();
		while (result == null) {
			Slot slot = this.slots.computeIfAbsent(topic, Slot::new);
			synchronized (slot) {
				if (slot.removed) {
					// cleared or evicted meanwhile and out of the map: take a new one
					continue;
				}
				message.setRetainSequence(this.sequence.incrementAndGet());
				boolean clear = message.body().length == 0;
				slot.value.set(clear ? null : message);
				if (clear) {
					retire(slot);
				}
				victims = account(slot.topic, clear ? null : message);
				result = fanOut.apply(message);
			}
		}
		// outside the publishing slot: slots are taken one at a time, never nested
		for (Map.Entry<String, Message> victim : victims) {
			Slot slot = this.slots.get(victim.getKey());
			if (slot != null) {
				synchronized (slot) {
					if (slot.value.compareAndSet(victim.getValue(), null)) {
						retire(slot);
					}
				}
			}
		}
		return result;
	}

	/**
	 * Counts a topic's new value (or its clearing) and takes out of the count the least
	 * recently updated values beyond the bounds.
	 * @return the values taken out, for the caller to clear from their slots
	 */
	private synchronized List<Map.Entry<String, Message>> account(String topic, Message value) {
		Message before = this.order.remove(topic);
		long delta = -((before != null) ? before.footprint() : 0);
		if (value != null) {
			this.order.put(topic, value);
			delta += value.footprint();
		}
		this.bytes += delta;
		if (delta > 0) {
			this.memory.reserve(delta);
		}
		else {
			this.memory.release(-delta);
		}
		List<Map.Entry<String, Message>> victims = new ArrayList<>();
		Iterator<Map.Entry<String, Message>> oldest = this.order.entrySet().iterator();
		while ((this.order.size() > this.maxTopics || this.bytes > this.maxBytes) && oldest.hasNext()) {
			Map.Entry<String, Message> entry = oldest.next();
			oldest.remove();
			this.bytes -= entry.getValue().footprint();
			this.memory.release(entry.getValue().footprint());
			this.evicted++;
			victims.add(Map.entry(entry.getKey(), entry.getValue()));
		}
		return victims;
	}

	/**
	 * A slot without a value leaves the map, so that topics once retained cost nothing.
	 * Under the slot's monitor.
	 */
	private void retire(Slot slot) {
		slot.removed = true;
		this.slots.remove(slot.topic, slot);
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

	synchronized int count() {
		return this.order.size();
	}

	synchronized long bytes() {
		return this.bytes;
	}

	synchronized long evicted() {
		return this.evicted;
	}

	/** One topic's retained value and the monitor that orders it with snapshots. */
	private static final class Slot {

		final String topic;

		final String[] segments;

		final AtomicReference<Message> value = new AtomicReference<>();

		/**
		 * Out of the map: a publish that finds it so takes a new slot. Guarded by this.
		 */
		boolean removed;

		Slot(String topic) {
			this.topic = topic;
			this.segments = DestinationPattern.segments(DestinationName.TOPIC_PREFIX + topic);
		}

	}

}
