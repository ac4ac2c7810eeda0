package io.herald.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Headers;
import io.herald.routing.DestinationException;
import io.herald.routing.DestinationInfo;
import io.herald.routing.Ingress;
import io.herald.routing.MessageIds;
import io.herald.routing.PublishResult;
import io.herald.routing.Router;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;

/**
 * The broker core's surface: opens sessions for transports, publishes from inside the
 * process, shows operators what is open and lets them end sessions, and ends every
 * session on shutdown. Plain Java, started without Spring in tests; time comes from an
 * injected clock and scheduler.
 */
public final class Broker {

	/**
	 * The header naming the authenticated sender on every MESSAGE.
	 * @see Ingress#SENDER_HEADER
	 */
	public static final String SENDER_HEADER = Ingress.SENDER_HEADER;

	private final SessionServices services;

	private final Router router;

	private final Ingress ingress;

	private final BrokerStats stats;

	private final SessionRegistry sessions;

	private final MemoryBudget memory;

	private final AtomicLong sessionIds = new AtomicLong();

	private final String sessionIdPrefix;

	private final String nodeId;

	private final Instant startedAt;

	private volatile boolean accepting = true;

	private final Publisher publisher;

	/**
	 * @param scheduler runs heart-beat and timeout checks and session clean-up; owned by
	 * the caller
	 * @param nanoClock monotonic time in nanoseconds, {@code System::nanoTime} in
	 * production
	 */
	public Broker(SessionSettings settings, Router router, Authenticator authenticator,
			ScheduledExecutorService scheduler, LongSupplier nanoClock) {
		this(settings, router, authenticator, DestinationPolicy.ALLOW_ALL, AbuseLimits.DEFAULT, scheduler, nanoClock,
				Clock.systemUTC());
	}

	/**
	 * A broker with a random node id.
	 * @param policy who may subscribe and send where
	 * @param abuseLimits connection and inbound-rate bounds
	 * @param wallClock the time credentials expire against and ids start from
	 */
	public Broker(SessionSettings settings, Router router, Authenticator authenticator, DestinationPolicy policy,
			AbuseLimits abuseLimits, ScheduledExecutorService scheduler, LongSupplier nanoClock, Clock wallClock) {
		this(settings, router, authenticator, policy, abuseLimits, scheduler, scheduler, nanoClock, wallClock,
				randomNodeId(), MemoryBudget.UNBOUNDED);
	}

	/**
	 * @param commands runs sessions' posted commands (closes, releases, timer checks)
	 * @param nodeId this node's name in session and message ids
	 * @param memory the node-wide memory budget; over it publishing is refused
	 */
	public Broker(SessionSettings settings, Router router, Authenticator authenticator, DestinationPolicy policy,
			AbuseLimits abuseLimits, ScheduledExecutorService scheduler, Executor commands, LongSupplier nanoClock,
			Clock wallClock, String nodeId, MemoryBudget memory) {
		this.router = router;
		this.memory = memory;
		this.ingress = new Ingress(router, new MessageIds(nodeId, wallClock), memory);
		this.stats = new BrokerStats(this.ingress::published);
		this.sessions = new SessionRegistry(abuseLimits);
		this.sessionIdPrefix = nodeId + "-" + Long.toString(wallClock.millis(), 36) + "-";
		this.nodeId = nodeId;
		this.startedAt = wallClock.instant();
		Handshake handshake = new Handshake(settings, authenticator,
				new LoginThrottle(abuseLimits.maxLoginDelayMillis()));
		this.services = new SessionServices(settings, abuseLimits, handshake, authenticator, policy, this.ingress,
				router, this.stats, this.sessions, scheduler, commands, nanoClock, wallClock, memory,
				new AbuseLog(nanoClock));
		this.publisher = new Publisher(this.services);
	}

	/** A short random node id, for a node that was not given one. */
	public static String randomNodeId() {
		return Long.toString(new SecureRandom().nextInt(Integer.MAX_VALUE), 36);
	}

	/**
	 * Opens a session for a new connection. While the broker shuts down, or when a
	 * connection limit is crossed, the session is answered with an ERROR and closed.
	 */
	public Session open(TransportConnection transport) {
		Session session = new Session(this.services, this.sessionIdPrefix + this.sessionIds.incrementAndGet(),
				transport);
		this.stats.connectionOpened();
		String refusal = this.sessions.admit(session);
		if (!this.accepting) {
			session.close(CloseReason.SHUTDOWN, "server shutting down", null, null);
		}
		else if (refusal != null) {
			session.close(CloseReason.CONNECTION_REFUSED, refusal, null, null);
		}
		return session;
	}

	/**
	 * Ends every session with ERROR "server shutting down" and waits up to the timeout
	 * for them to be released and their connections closed (their ERROR written).
	 */
	public void shutdown(long timeoutMillis) {
		this.accepting = false;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		List<Session> closing = List.copyOf(this.sessions.all());
		for (Session session : closing) {
			session.close(CloseReason.SHUTDOWN, "server shutting down", null, null);
		}
		try {
			this.sessions.awaitEmpty(timeoutMillis);
			// released is not written: each ERROR reaches its client before the ports
			// and the servlet container close (a transport that writes on a thread of its
			// own, SockJS's, may not have sent it yet)
			for (Session session : closing) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					session.transportClosed().get(left, TimeUnit.NANOSECONDS);
				}
				catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
					// cut off by the deadline
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Publishes from inside the process (an embedding application) exactly as an
	 * anonymous SEND frame would.
	 * @param destination a SEND destination such as {@code /topic/prices.AAPL}
	 * @param headers headers for subscribers; frame-control headers are dropped
	 * @throws DestinationException if the destination is not one Herald serves
	 */
	public PublishResult publish(String destination, Headers headers, byte[] body) throws DestinationException {
		return this.ingress.publish(destination, headers, body, null);
	}

	/** The one way in for messages from other sources (HTTP, the backplane). */
	/** This node's name in session and message ids. */
	public String nodeId() {
		return this.nodeId;
	}

	/** When this broker was made. */
	public Instant startedAt() {
		return this.startedAt;
	}

	/** Publishing for senders without a session: the HTTP publish API. */
	public Publisher publisher() {
		return this.publisher;
	}

	public Ingress ingress() {
		return this.ingress;
	}

	/** The node-wide memory budget and its alarm. */
	public MemoryBudget memory() {
		return this.memory;
	}

	public Router router() {
		return this.router;
	}

	public BrokerStats stats() {
		return this.stats;
	}

	public int sessionCount() {
		return this.sessions.size();
	}

	/** Snapshots of every open session. */
	public List<SessionInfo> sessions() {
		List<SessionInfo> all = new ArrayList<>();
		for (Session session : this.sessions.all()) {
			all.add(session.info());
		}
		return all;
	}

	/**
	 * Open sessions by transport kind ({@code websocket}, {@code sockjs}, {@code tcp}).
	 */
	public Map<String, Long> sessionsByTransport() {
		Map<String, Long> byTransport = new HashMap<>();
		for (Session session : this.sessions.all()) {
			byTransport.merge(session.transportKind(), 1L, Long::sum);
		}
		return byTransport;
	}

	/** A snapshot of one session, if it is open. */
	public Optional<SessionInfo> session(String sessionId) {
		Session session = this.sessions.find(sessionId);
		return (session != null) ? Optional.of(session.info()) : Optional.empty();
	}

	/**
	 * The subscriptions of an open session, as its owner snapshots them (the session
	 * answers between two of its frames); empty if there is no such session.
	 */
	public Optional<CompletableFuture<List<SubscriptionInfo>>> subscriptions(String sessionId) {
		Session session = this.sessions.find(sessionId);
		return (session != null) ? Optional.of(session.subscriptionInfos()) : Optional.empty();
	}

	/** What every session moved since start: the open ones and those gone. */
	public SessionTraffic traffic() {
		SessionTraffic released = this.stats.releasedTraffic();
		long framesIn = released.framesIn();
		long bytesIn = released.bytesIn();
		long framesOut = released.framesOut();
		long bytesOut = released.bytesOut();
		for (Session session : this.sessions.all()) {
			framesIn += session.framesIn();
			bytesIn += session.bytesIn();
			framesOut += session.outbound().framesOut();
			bytesOut += session.outbound().bytesOut();
		}
		return new SessionTraffic(framesIn, bytesIn, framesOut, bytesOut);
	}

	/**
	 * Ends a session with ERROR "disconnected by an operator: WHY".
	 * @return whether there was an open session with that id
	 */
	public boolean disconnect(String sessionId, String why) {
		Session session = this.sessions.find(sessionId);
		return session != null && session.disconnectByOperator(why);
	}

	/** Snapshots of the destinations in use: literal topics, queues, user queues. */
	public List<DestinationInfo> destinations() {
		return this.router.destinations();
	}

	/**
	 * Drops the messages waiting in a queue (not those a consumer holds unacknowledged).
	 * @param queueName the name after {@code /queue/}
	 * @return how many were dropped
	 */
	public int purge(String queueName) {
		return this.router.purge(queueName);
	}

	/** Node-wide totals now. */
	public BrokerTotals totals() {
		long outboundBytes = 0;
		List<Session> all = this.sessions.all();
		for (Session session : all) {
			outboundBytes += session.outbound().queuedBytes();
		}
		return new BrokerTotals(all.size(), this.stats.connectionsOpened(), this.stats.messagesPublished(),
				this.router.topicSubscriptionCount(), this.router.queueCount(), this.router.bufferedMessageCount(),
				outboundBytes);
	}

}
