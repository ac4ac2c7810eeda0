package io.herald.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.herald.protocol.Headers;
import io.herald.protocol.Utf8;
import io.herald.routing.Destination;
import io.herald.routing.DestinationException;
import io.herald.routing.Message;
import io.herald.routing.Publication;
import io.herald.routing.PublishResult;
import io.herald.routing.Router;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;

/**
 * The broker core: opens sessions for transports, owns the router, the timer and the
 * counters, and ends every session on shutdown. Plain Java, started without Spring in
 * tests; time comes from an injected clock and scheduler.
 */
public final class Broker {

	/**
	 * The header naming the authenticated sender on every MESSAGE; the broker sets it and
	 * drops any value a client supplies, so senders cannot be spoofed.
	 */
	public static final String SENDER_HEADER = "x-herald-user";

	/**
	 * Headers that steer a frame, or that only the broker may set, not passed on as sent.
	 */
	private static final List<String> CONTROL_HEADERS = List.of("destination", "receipt", "transaction",
			"content-length", "message-id", "subscription", "ack", "redelivered", SENDER_HEADER);

	private final SessionSettings settings;

	private final Router router;

	private final Authenticator authenticator;

	private final DestinationPolicy policy;

	private final AbuseLimits abuseLimits;

	private final LoginThrottle loginThrottle;

	private final Map<String, Integer> connectionsPerAddress = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final LongSupplier nanoClock;

	private final Clock wallClock;

	private final BrokerStats stats = new BrokerStats();

	private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

	private final AtomicLong sessionIds = new AtomicLong();

	private final AtomicLong messageIds = new AtomicLong();

	private final String idPrefix;

	private volatile boolean accepting = true;

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
	 * @param policy who may subscribe and send where
	 * @param abuseLimits connection and inbound-rate bounds
	 * @param wallClock the time credentials expire against
	 */
	public Broker(SessionSettings settings, Router router, Authenticator authenticator, DestinationPolicy policy,
			AbuseLimits abuseLimits, ScheduledExecutorService scheduler, LongSupplier nanoClock, Clock wallClock) {
		this.wallClock = wallClock;
		this.settings = settings;
		this.router = router;
		this.authenticator = authenticator;
		this.policy = policy;
		this.abuseLimits = abuseLimits;
		this.loginThrottle = new LoginThrottle(abuseLimits.maxLoginDelayMillis());
		this.scheduler = scheduler;
		this.nanoClock = nanoClock;
		this.idPrefix = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + "-";
	}

	/**
	 * Opens a session for a new connection. While the broker shuts down the session
	 * answers its first frame with an ERROR and closes.
	 */
	public Session open(TransportConnection transport) {
		Session session = new Session(this, this.idPrefix + this.sessionIds.incrementAndGet(), transport);
		this.sessions.add(session);
		this.stats.connectionOpened();
		int fromAddress = this.connectionsPerAddress.merge(transport.remoteAddress(), 1, Integer::sum);
		if (!this.accepting) {
			session.shutdown();
		}
		else if (this.abuseLimits.maxConnections() > 0 && this.sessions.size() > this.abuseLimits.maxConnections()) {
			session.refuse("connection refused: the broker exceeds the limit of " + this.abuseLimits.maxConnections()
					+ " connections");
		}
		else if (this.abuseLimits.maxConnectionsPerAddress() > 0
				&& fromAddress > this.abuseLimits.maxConnectionsPerAddress()) {
			session.refuse("connection refused: address " + transport.remoteAddress() + " exceeds the limit of "
					+ this.abuseLimits.maxConnectionsPerAddress() + " connections");
		}
		return session;
	}

	/**
	 * Ends every session with ERROR "server shutting down" and waits up to the timeout
	 * for them to be written and closed.
	 */
	public void shutdown(long timeoutMillis) {
		this.accepting = false;
		for (Session session : this.sessions) {
			session.shutdown();
		}
		long deadline = this.nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (!this.sessions.isEmpty() && this.nanoClock.getAsLong() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Publishes from inside the process (an embedding application, the HTTP API) exactly
	 * as a SEND frame would.
	 * @param destination a SEND destination such as {@code /topic/prices.AAPL}
	 * @param headers headers for subscribers; frame-control headers are dropped
	 * @throws DestinationException if the destination is not one Herald serves
	 */
	public PublishResult publish(String destination, Headers headers, byte[] body) throws DestinationException {
		return publish(Destination.forSend(destination), destination, headers, body);
	}

	PublishResult publish(Destination destination, String requestedName, Headers headers, byte[] body) {
		return publish(destination, requestedName, headers, body, null);
	}

	PublishResult publish(Destination destination, String requestedName, Headers headers, byte[] body, String sender) {
		PublishResult result = this.router.publish(destination,
				message(destination, requestedName, headers, body, sender));
		if (result.accepted()) {
			this.stats.published();
		}
		return result;
	}

	/**
	 * Publishes all or nothing, for the SENDs of a committed transaction.
	 * @see Router#publishAll
	 */
	PublishResult publishAll(List<Publication> publications) {
		PublishResult result = this.router.publishAll(publications);
		if (result.accepted()) {
			for (int i = 0; i < publications.size(); i++) {
				this.stats.published();
			}
		}
		return result;
	}

	/**
	 * The message a SEND makes: frame-control headers dropped, the sender stamped.
	 * @param sender the authenticated sender, stamped as {@value #SENDER_HEADER};
	 * {@code null} for anonymous
	 */
	Message message(Destination destination, String requestedName, Headers headers, byte[] body, String sender) {
		String shownName = (destination.kind() == Destination.Kind.USER) ? "/user" + destination.name() : requestedName;
		Headers.Builder forwarded = Headers.builder();
		headers.forEach((name, value) -> {
			if (!CONTROL_HEADERS.contains(name)) {
				forwarded.add(name, value);
			}
		});
		if (sender != null) {
			forwarded.add(SENDER_HEADER, sender);
		}
		return new Message(shownName, forwarded.build(), body, nextMessageId(), !Utf8.isValid(body));
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

	SessionSettings settings() {
		return this.settings;
	}

	Authenticator authenticator() {
		return this.authenticator;
	}

	DestinationPolicy policy() {
		return this.policy;
	}

	AbuseLimits abuseLimits() {
		return this.abuseLimits;
	}

	LoginThrottle loginThrottle() {
		return this.loginThrottle;
	}

	Instant now() {
		return this.wallClock.instant();
	}

	long nanoTime() {
		return this.nanoClock.getAsLong();
	}

	String nextMessageId() {
		return this.idPrefix + this.messageIds.incrementAndGet();
	}

	ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
		return this.scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
	}

	ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodMillis) {
		return this.scheduler.scheduleAtFixedRate(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
	}

	/** Releases a closed session's subscriptions on the timer thread. */
	void releaseLater(Session session) {
		this.scheduler.execute(() -> {
			try {
				session.releaseNow();
			}
			finally {
				if (this.sessions.remove(session)) {
					this.connectionsPerAddress.computeIfPresent(session.remoteAddress(),
							(address, count) -> (count <= 1) ? null : count - 1);
				}
			}
		});
	}

}
