package io.herald.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import io.herald.protocol.Command;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Broker-wide counters, cheap enough for the hot path (striped adders). Read by the admin
 * and metrics side as snapshots.
 */
public final class BrokerStats implements FlowControl.Stats {

	private final LongAdder conflated = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder rateLimited = new LongAdder();

	@Override
	public void conflated() {
		this.conflated.increment();
	}

	@Override
	public void dropped() {
		this.dropped.increment();
	}

	@Override
	public void rateLimited() {
		this.rateLimited.increment();
	}

	/** Undelivered messages replaced by a later one of their destination (conflate). */
	public long conflatedDeliveries() {
		return this.conflated.sum();
	}

	/**
	 * Undelivered messages dropped as the oldest of a subscriber behind (drop-oldest).
	 */
	public long droppedDeliveries() {
		return this.dropped.sum();
	}

	/**
	 * Messages withheld by a subscription's x-herald-max-rate (the latest goes later).
	 */
	public long rateLimitedDeliveries() {
		return this.rateLimited.sum();
	}

	private final LongAdder connectionsOpened = new LongAdder();

	private final LongAdder authenticationFailures = new LongAdder();

	private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);

	private final Map<Command, LongAdder> framesIn = new EnumMap<>(Command.class);

	private final LongAdder delivered = new LongAdder();

	private final LongSupplier published;

	/** Traffic of sessions already released; the open ones count their own. */
	private final LongAdder releasedFramesIn = new LongAdder();

	private final LongAdder releasedBytesIn = new LongAdder();

	private final LongAdder releasedFramesOut = new LongAdder();

	private final LongAdder releasedBytesOut = new LongAdder();

	/**
	 * Sampled delivery latencies, in nanoseconds, up to a minute (longer ones count as
	 * one).
	 */
	private final Recorder deliveryLatency = new Recorder(MAX_LATENCY_NANOS, 2);

	private volatile LongConsumer latencyObserver = (nanos) -> {
	};

	private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final RecentCloses recentCloses = new RecentCloses(200);

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

	/** A sampled delivery: from acceptance for routing to the socket write. */
	void deliveryLatency(long nanos) {
		long bounded = Math.max(0, Math.min(nanos, MAX_LATENCY_NANOS));
		this.deliveryLatency.recordValue(bounded);
		this.latencyObserver.accept(bounded);
	}

	/**
	 * Also hands every sampled delivery latency (nanoseconds) to the observer, such as a
	 * metrics timer. One observer; a later call replaces it.
	 */
	public void observeDeliveryLatency(LongConsumer observer) {
		this.latencyObserver = observer;
	}

	/**
	 * The delivery latencies (nanoseconds) sampled since the previous call: for one
	 * periodic reader, such as the admin side's sampler. One delivery in
	 * {@value Outbound#LATENCY_SAMPLE_EVERY} per session is sampled, from acceptance for
	 * routing to being handed to the socket.
	 */
	public Histogram takeDeliveryLatencies() {
		return this.deliveryLatency.getIntervalHistogram();
	}

	/** The last sessions that ended, with their reasons. */
	public RecentCloses recentCloses() {
		return this.recentCloses;
	}

	/** Counts what a session moved, once it is released. */
	void released(SessionTraffic traffic) {
		this.releasedFramesIn.add(traffic.framesIn());
		this.releasedBytesIn.add(traffic.bytesIn());
		this.releasedFramesOut.add(traffic.framesOut());
		this.releasedBytesOut.add(traffic.bytesOut());
	}

	/** What sessions that are gone moved, in total. */
	SessionTraffic releasedTraffic() {
		return new SessionTraffic(this.releasedFramesIn.sum(), this.releasedBytesIn.sum(), this.releasedFramesOut.sum(),
				this.releasedBytesOut.sum());
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
