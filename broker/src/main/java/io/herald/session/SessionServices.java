package io.herald.session;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

import io.herald.memory.MemoryBudget;
import io.herald.routing.Ingress;
import io.herald.routing.Router;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;

/**
 * What every session of a broker shares, frozen at start: bounds, the pieces that decide
 * (handshake, policy), the ways out (ingress, router), the registry it leaves on release,
 * and time. Built once by {@link Broker}.
 *
 * @param settings per-session bounds and timings
 * @param abuseLimits inbound rates
 * @param handshake the CONNECT logic
 * @param authenticator checks refreshed tokens
 * @param policy who may subscribe and send where
 * @param ingress where SENDs go
 * @param router where subscriptions go
 * @param stats the counters
 * @param registry the node's sessions
 * @param timer runs timeouts and heart-beat ticks
 * @param commands runs the sessions' posted commands ({@link Mailbox})
 * @param nanoClock monotonic time
 * @param wallClock wall time
 * @param memory the node-wide memory budget
 * @param abuse the rate-limited warnings about misbehaving clients
 */
record SessionServices(SessionSettings settings, AbuseLimits abuseLimits, Handshake handshake,
		Authenticator authenticator, DestinationPolicy policy, Ingress ingress, Router router, BrokerStats stats,
		SessionRegistry registry, ScheduledExecutorService timer, Executor commands, LongSupplier nanoClock,
		Clock wallClock, MemoryBudget memory, AbuseLog abuse) {
}
