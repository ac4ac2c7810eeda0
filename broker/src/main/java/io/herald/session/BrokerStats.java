package io.herald.session;

import java.util.concurrent.atomic.LongAdder;

/**
 * Broker-wide counters, cheap enough for the hot path (striped adders). Read by the admin
 * and metrics side as snapshots.
 */
public final class BrokerStats {

	private final LongAdder connectionsOpened = new LongAdder();

	private final LongAdder messagesPublished = new LongAdder();

	private final LongAdder slowConsumers = new LongAdder();

	private final LongAdder protocolErrors = new LongAdder();

	private final LongAdder authenticationFailures = new LongAdder();

	private final LongAdder connectionsRefused = new LongAdder();

	void connectionOpened() {
		this.connectionsOpened.increment();
	}

	void published() {
		this.messagesPublished.increment();
	}

	void slowConsumer() {
		this.slowConsumers.increment();
	}

	void protocolError() {
		this.protocolErrors.increment();
	}

	void authenticationFailed() {
		this.authenticationFailures.increment();
	}

	void connectionRefused() {
		this.connectionsRefused.increment();
	}

	/** CONNECT attempts refused for bad or missing credentials. */
	public long authenticationFailures() {
		return this.authenticationFailures.sum();
	}

	/** Connections refused for the total or per-address connection limit. */
	public long connectionsRefused() {
		return this.connectionsRefused.sum();
	}

	public long connectionsOpened() {
		return this.connectionsOpened.sum();
	}

	public long messagesPublished() {
		return this.messagesPublished.sum();
	}

	/** Sessions disconnected because their outbound buffer overflowed. */
	public long slowConsumers() {
		return this.slowConsumers.sum();
	}

	/** Sessions ended by an ERROR for a protocol violation or a crossed limit. */
	public long protocolErrors() {
		return this.protocolErrors.sum();
	}

}
