package io.herald.cluster;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The stores of one storing channel by sequence number; dead with its channel, after
 * which nothing is added (a store racing the channel's end fails at once).
 */
final class Confirms {

	private final NavigableMap<Long, Pending> pending = new TreeMap<>();

	private boolean dead;

	static Confirms dead() {
		Confirms confirms = new Confirms();
		confirms.dead = true;
		return confirms;
	}

	synchronized boolean add(long seq, Pending store) {
		if (this.dead) {
			return false;
		}
		this.pending.put(seq, store);
		return true;
	}

	synchronized Pending get(long seq) {
		return this.pending.get(seq);
	}

	synchronized Pending remove(long seq) {
		return this.pending.remove(seq);
	}

	/** The store {@code seq}, or all up to it when {@code multiple}. */
	synchronized List<Pending> settle(long seq, boolean multiple) {
		if (!multiple) {
			Pending one = this.pending.remove(seq);
			return (one != null) ? List.of(one) : List.of();
		}
		Map<Long, Pending> head = this.pending.headMap(seq, true);
		List<Pending> settled = new ArrayList<>(head.values());
		head.clear();
		return settled;
	}

	synchronized List<Pending> expire(long sentBefore) {
		List<Pending> expired = new ArrayList<>();
		for (Iterator<Pending> it = this.pending.values().iterator(); it.hasNext();) {
			Pending store = it.next();
			if (store.sentNanos - sentBefore < 0) {
				expired.add(store);
				it.remove();
			}
		}
		return expired;
	}

	synchronized List<Pending> kill() {
		this.dead = true;
		List<Pending> all = new ArrayList<>(this.pending.values());
		this.pending.clear();
		return all;
	}

	/** A store waiting for its confirmation. */
	static final class Pending {

		final CompletableFuture<String> outcome;

		final String name;

		private final long sentNanos;

		/** Set when RabbitMQ returned it unroutable; its ack follows. */
		volatile String returned;

		Pending(CompletableFuture<String> outcome, String name, long sentNanos) {
			this.outcome = outcome;
			this.name = name;
			this.sentNanos = sentNanos;
		}

	}

}
