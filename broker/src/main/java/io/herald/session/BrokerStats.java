package io.herald.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.herald.protocol.Command;

/**
 * Broker-wide counters, cheap enough for the hot path (striped adders). Read by the admin
 * and metrics side as snapshots.
 */
public final class BrokerStats {

	private final LongAdder connectionsOpened = new LongAdder();

	private final LongAdder authenticationFailures = new LongAdder();

	private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);

	private final Map<Command, LongAdder> framesIn = new EnumMap<>(Command.class);

	private final LongAdder delivered = new LongAdder();

	private final LongSupplier published;

	BrokerStats(LongSupplier published) {
		this.published = published;
		for (CloseReason reason : CloseReason.values()) {
			this.closed.put(reason, new LongAdder());
		}
		for (Command command : Command.values()) {
			this.framesIn.put(command, new LongAdder());
		}
	}

	void frameIn(Command command) {
		this.framesIn.get(command).increment();
	}

	void deliveredOne() {
		this.delivered.increment();
	}

	/** Frames clients sent with this command since start. */
	public long framesIn(Command command) {
		return this.framesIn.get(command).sum();
	}

	/** MESSAGE frames handed to subscribers' outbound buffers since start. */
	public long messagesDelivered() {
		return this.delivered.sum();
	}

	void connectionOpened() {
		this.connectionsOpened.increment();
	}

	void authenticationFailed() {
		this.authenticationFailures.increment();
	}

	void countClose(CloseReason reason) {
		this.closed.get(reason).increment();
	}

	/** Sessions ended for the reason since start. */
	public long closed(CloseReason reason) {
		return this.closed.get(reason).sum();
	}

	/** CONNECT attempts refused for bad or missing credentials. */
	public long authenticationFailures() {
		return this.authenticationFailures.sum();
	}

	/** Connections refused for the total or per-address connection limit. */
	public long connectionsRefused() {
		return closed(CloseReason.CONNECTION_REFUSED);
	}

	public long connectionsOpened() {
		return this.connectionsOpened.sum();
	}

	/** Messages accepted for routing since start. */
	public long messagesPublished() {
		return this.published.getAsLong();
	}

	/** Sessions disconnected because their outbound buffer overflowed. */
	public long slowConsumers() {
		return closed(CloseReason.SLOW_CONSUMER);
	}

	/**
	 * Sessions ended by an ERROR for something the client did: a protocol violation, a
	 * crossed limit, a failed login, a timeout.
	 */
	public long protocolErrors() {
		long sum = 0;
		for (CloseReason reason : CloseReason.values()) {
			if (reason.isProtocolError()) {
				sum += closed(reason);
			}
		}
		return sum;
	}

}
