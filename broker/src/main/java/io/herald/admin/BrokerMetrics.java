package io.herald.admin;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.herald.protocol.Command;
import io.herald.session.Broker;
import io.herald.session.BrokerStats;
import io.herald.session.CloseReason;

/**
 * Binds the broker's counters to Micrometer. Meters read the counters when scraped, so
 * the hot path pays nothing for them; the delivery-latency timer takes the sampled
 * deliveries only (one in {@code 16} per session).
 */
public final class BrokerMetrics implements MeterBinder {

	private static final List<String> TRANSPORTS = List.of("websocket", "sockjs", "tcp");

	private final Broker broker;

	public BrokerMetrics(Broker broker) {
		this.broker = broker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		BrokerStats stats = this.broker.stats();
		Gauge.builder("herald.sessions", this.broker, Broker::sessionCount)
			.description("open STOMP sessions")
			.register(registry);
		for (String transport : TRANSPORTS) {
			Gauge.builder("herald.connections", this.broker, (b) -> b.sessionsByTransport().getOrDefault(transport, 0L))
				.tag("transport", transport)
				.description("open connections, by transport")
				.register(registry);
		}
		Gauge.builder("herald.subscriptions.topic", this.broker, (b) -> b.router().topicSubscriptionCount())
			.description("topic subscriptions")
			.register(registry);
		FunctionCounter.builder("herald.connections.opened", stats, BrokerStats::connectionsOpened)
			.description("connections accepted since start")
			.register(registry);
		FunctionCounter.builder("herald.messages.published", stats, BrokerStats::messagesPublished)
			.description("messages accepted for routing")
			.register(registry);
		FunctionCounter.builder("herald.messages.delivered", stats, BrokerStats::messagesDelivered)
			.description("MESSAGE frames handed to subscribers")
			.register(registry);
		for (Command command : Command.values()) {
			FunctionCounter.builder("herald.frames.in", stats, (s) -> s.framesIn(command))
				.tag("command", command.name())
				.description("frames clients sent, by command")
				.register(registry);
		}
		for (CloseReason reason : CloseReason.values()) {
			FunctionCounter.builder("herald.sessions.closed", stats, (s) -> s.closed(reason))
				.tag("reason", reason.tag())
				.description("sessions ended, by reason")
				.register(registry);
		}
		Gauge.builder("herald.memory.used", this.broker, (b) -> b.memory().usedBytes())
			.description("bytes held for clients: queued messages, outbound buffers, partial frames, transactions")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("herald.memory.max", this.broker, (b) -> b.memory().maxBytes())
			.description("herald.limits.max-memory: above it publishing is refused")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("herald.memory.alarm", this.broker, (b) -> b.memory().isAlarmed() ? 1 : 0)
			.description("1 while the memory alarm refuses publishing")
			.register(registry);
		Gauge.builder("herald.queues", this.broker, (b) -> b.router().queueCount())
			.description("queues on the node, buffering or consumed")
			.register(registry);
		Gauge.builder("herald.queues.messages", this.broker, (b) -> b.router().bufferedMessageCount())
			.description("messages waiting in all queues")
			.register(registry);
		Gauge.builder("herald.queues.memory", this.broker, (b) -> b.router().queuedBytes())
			.description("bytes all queues hold, waiting or awaiting an ACK; bounded by herald.queues.max-memory")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("herald.topics.retained", this.broker, (b) -> b.router().retainedCount())
			.description("topics holding a retained value (herald.topics.rules)")
			.register(registry);
		Gauge.builder("herald.topics.retained.memory", this.broker, (b) -> b.router().retainedBytes())
			.description("bytes retained values hold; bounded by herald.topics.max-memory")
			.baseUnit("bytes")
			.register(registry);
		FunctionCounter.builder("herald.deliveries.conflated", stats, BrokerStats::conflatedDeliveries)
			.description("undelivered messages replaced by a later one of their destination (slow-consumer: conflate)")
			.register(registry);
		FunctionCounter.builder("herald.deliveries.dropped", stats, BrokerStats::droppedDeliveries)
			.description(
					"undelivered messages dropped as the oldest of a subscriber behind (slow-consumer: drop-oldest)")
			.register(registry);
		FunctionCounter.builder("herald.deliveries.rate-limited", stats, BrokerStats::rateLimitedDeliveries)
			.description("messages withheld by a subscription's x-herald-max-rate (the latest goes out later)")
			.register(registry);
		FunctionCounter.builder("herald.messages.duplicates", this.broker, (b) -> b.router().duplicateSends())
			.description("SENDs not routed again: their x-herald-idempotency-key was seen within the window")
			.register(registry);
		FunctionCounter.builder("herald.topics.retained.evictions", this.broker, (b) -> b.router().retainedEvictions())
			.description("retained values evicted by herald.topics.max-retained or herald.topics.max-memory")
			.register(registry);
		FunctionCounter.builder("herald.authentication.failures", stats, BrokerStats::authenticationFailures)
			.description("refused logins (bad or missing credentials, invalid tokens)")
			.register(registry);
		FunctionCounter.builder("herald.connections.refused", stats, BrokerStats::connectionsRefused)
			.description("connections refused by a connection limit")
			.register(registry);
		FunctionCounter.builder("herald.frames.out", this.broker, (b) -> b.traffic().framesOut())
			.description("frames handed to clients' sockets, heart-beats included")
			.register(registry);
		FunctionCounter.builder("herald.bytes.in", this.broker, (b) -> b.traffic().bytesIn())
			.description("bytes received from clients")
			.baseUnit("bytes")
			.register(registry);
		FunctionCounter.builder("herald.bytes.out", this.broker, (b) -> b.traffic().bytesOut())
			.description("bytes handed to clients' sockets")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("herald.outbound.bytes", this.broker, (b) -> b.totals().outboundBytes())
			.description("bytes queued for clients and not yet written: the writers' backlog")
			.baseUnit("bytes")
			.register(registry);
		Timer latency = Timer.builder("herald.delivery.latency")
			.description("from a message's acceptance for routing to its MESSAGE frame being handed to the socket, "
					+ "sampled: one delivery in 16 per session")
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(10))
			.register(registry);
		stats.observeDeliveryLatency((nanos) -> latency.record(nanos, TimeUnit.NANOSECONDS));
	}

}
