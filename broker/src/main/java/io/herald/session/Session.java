package io.herald.session;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.FrameDecoder;
import io.herald.protocol.FrameDecodingException;
import io.herald.protocol.FrameEncoder;
import io.herald.protocol.StompVersion;
import io.herald.routing.Destination;
import io.herald.routing.DestinationException;
import io.herald.routing.Route;
import io.herald.security.AuthenticationException;
import io.herald.security.Credentials;
import io.herald.security.Identity;

/**
 * One client connection's STOMP session (STOMP 1.2, "Connecting", "Client Frames",
 * "Heart-beating").
 *
 * <p>
 * A state machine: {@code AWAITING_CONNECT → CONNECTED → CLOSED}. Inbound bytes arrive on
 * the transport's thread, one call at a time, and all frame handling runs there. Other
 * threads touch a session only to deliver messages ({@link SessionSubscription}), to run
 * its heart-beat timer, or to close it; closing is a single compare-and-set, and the
 * release of subscriptions (with requeue of unacknowledged queue messages) runs on the
 * broker's timer thread, so a publisher that finds a slow consumer never takes routing
 * locks in a different order.
 *
 * <p>
 * Every protocol violation ends the same way: one ERROR frame with a {@code message}
 * header (and {@code receipt-id} when the offending frame asked for a receipt), then the
 * transport closes the connection once the ERROR is written.
 */
public final class Session {

	private enum State {

		/** Socket open, waiting for CONNECT. */
		AWAITING_CONNECT,
		/**
		 * CONNECT refused; the ERROR waits out the login throttle, frames are ignored.
		 */
		REFUSING, CONNECTED, CLOSED

	}

	private static final long CLOSE_GRACE_MILLIS = 2_000;

	private final Broker broker;

	private final String id;

	private final TransportConnection transport;

	private final SessionSettings settings;

	private final Outbound outbound;

	private final FrameDecoder decoder;

	private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_CONNECT);

	private final Map<String, SessionSubscription> subscriptions = new HashMap<>();

	private final Transactions transactions;

	private volatile StompVersion version = StompVersion.V1_2;

	private volatile Identity identity = Identity.anonymous();

	private final TokenBucket inboundFrames;

	private final TokenBucket inboundBytes;

	private volatile ScheduledFuture<?> expiry;

	private int subscriptionIndex;

	private volatile long lastReadNanos;

	private volatile long lastWriteNanos;

	private long sendEveryMillis;

	private long expectEveryMillis;

	private volatile ScheduledFuture<?> timer;

	private SessionSubscription starting;

	Session(Broker broker, String id, TransportConnection transport) {
		this.broker = broker;
		this.id = id;
		this.transport = transport;
		this.settings = broker.settings();
		this.outbound = new Outbound(this.settings.outboundBufferBytes());
		this.decoder = new FrameDecoder(this.settings.frameLimits());
		this.transactions = new Transactions(this.settings.maxTransactionFrames());
		this.lastReadNanos = broker.nanoTime();
		this.lastWriteNanos = this.lastReadNanos;
		AbuseLimits limits = broker.abuseLimits();
		this.inboundFrames = (limits.inboundFramesPerSecond() > 0)
				? new TokenBucket(limits.inboundFramesPerSecond(), this.lastReadNanos) : null;
		this.inboundBytes = (limits.inboundBytesPerSecond() > 0)
				? new TokenBucket(limits.inboundBytesPerSecond(), this.lastReadNanos) : null;
		this.timer = broker.schedule(this::connectTimedOut, this.settings.connectTimeoutMillis());
		// off the transport's thread: dispatching takes queue locks
		this.outbound.onRoomForQueues(() -> broker.schedule(this::resumeQueues, 0));
	}

	public String id() {
		return this.id;
	}

	/**
	 * The authenticated user, or {@code null} for an anonymous or unconnected session.
	 */
	public String user() {
		return this.identity.name();
	}

	Identity identity() {
		return this.identity;
	}

	String remoteAddress() {
		return this.transport.remoteAddress();
	}

	public Outbound outbound() {
		return this.outbound;
	}

	public boolean isOpen() {
		return this.state.get() != State.CLOSED;
	}

	StompVersion version() {
		return this.version;
	}

	/** Feeds bytes read from the connection. Called by one transport thread at a time. */
	public void onBytes(ByteBuffer bytes) {
		long now = this.broker.nanoTime();
		this.lastReadNanos = now;
		if (!isOpen()) {
			return;
		}
		if (this.inboundBytes != null && !this.inboundBytes.take(bytes.remaining(), now)) {
			fail("inbound rate exceeds the limit of " + this.broker.abuseLimits().inboundBytesPerSecond()
					+ " bytes per second", null);
			return;
		}
		try {
			this.decoder.decode(bytes, this::onFrame);
		}
		catch (FrameDecodingException ex) {
			fail(ex.getMessage(), ex.receipt());
		}
	}

	/** The transport saw the connection close. */
	public void onTransportClosed() {
		if (this.state.getAndSet(State.CLOSED) != State.CLOSED) {
			release();
		}
	}

	private void onFrame(Frame frame) {
		State current = this.state.get();
		if (current == State.CLOSED || current == State.REFUSING) {
			return;
		}
		String receipt = frame.header("receipt");
		if (this.inboundFrames != null && !this.inboundFrames.take(1, this.lastReadNanos)) {
			fail("inbound rate exceeds the limit of " + this.broker.abuseLimits().inboundFramesPerSecond()
					+ " frames per second", receipt);
			return;
		}
		try {
			if (this.state.get() == State.AWAITING_CONNECT) {
				if (frame.command() != Command.CONNECT && frame.command() != Command.STOMP) {
					throw new StompViolation(
							"not connected: the first frame must be CONNECT or STOMP, got " + frame.command());
				}
				connect(frame);
			}
			else {
				ClientFrames.handle(this, frame);
			}
			if (receipt != null && frame.command() != Command.DISCONNECT && this.state.get() == State.CONNECTED) {
				send(Frame.builder(Command.RECEIPT).header("receipt-id", receipt).build());
			}
			if (this.starting != null) {
				// queue messages flow only after the RECEIPT of the SUBSCRIBE
				SessionSubscription subscribed = this.starting;
				this.starting = null;
				subscribed.start();
			}
		}
		catch (StompViolation ex) {
			fail(ex.getMessage(), receipt);
		}
	}

	private void connect(Frame frame) throws StompViolation {
		StompVersion negotiated = StompVersion.negotiate(frame.header("accept-version"));
		if (negotiated == null) {
			// an ERROR like any other violation, with the versions we do speak (STOMP
			// 1.2, "Protocol Negotiation")
			fail("no shared protocol version; supported versions are " + StompVersion.supported(),
					frame.header("receipt"), StompVersion.supported());
			return;
		}
		long[] clientBeats = HeartBeats.parse(frame.header("heart-beat"));
		Credentials credentials = new Credentials(frame.header("login"), frame.header("passcode"),
				frame.header("Authorization"), this.transport.handshakeToken(), this.transport.remoteAddress());
		try {
			this.identity = this.broker.authenticator().authenticate(credentials);
		}
		catch (AuthenticationException ex) {
			refuseLogin(frame.header("receipt"));
			return;
		}
		this.version = negotiated;
		this.decoder.setVersion(negotiated);
		this.sendEveryMillis = HeartBeats.interval(this.settings.heartBeatSendMillis(), clientBeats[1]);
		this.expectEveryMillis = HeartBeats.interval(this.settings.heartBeatReceiveMillis(), clientBeats[0]);
		if (!this.state.compareAndSet(State.AWAITING_CONNECT, State.CONNECTED)) {
			return;
		}
		cancelTimer();
		Frame.Builder connected = Frame.builder(Command.CONNECTED);
		if (frame.header("accept-version") != null) {
			connected.header("version", negotiated.text());
		}
		connected.header("server", this.settings.serverName())
			.header("session", this.id)
			.header("heart-beat", this.settings.heartBeatSendMillis() + "," + this.settings.heartBeatReceiveMillis());
		if (!this.identity.isAnonymous()) {
			connected.header("user-name", this.identity.name());
		}
		send(connected.build());
		scheduleExpiry();
		long period = HeartBeats.checkPeriod(this.sendEveryMillis, this.expectEveryMillis);
		if (period > 0) {
			this.timer = this.broker.scheduleAtFixedRate(this::heartBeatTick, period);
		}
	}

	// ---- frame handlers called by SessionFrames on the session's thread ----

	int nextSubscriptionIndex() {
		return ++this.subscriptionIndex;
	}

	Map<String, SessionSubscription> subscriptions() {
		return this.subscriptions;
	}

	Transactions transactions() {
		return this.transactions;
	}

	SessionSettings settings() {
		return this.settings;
	}

	Broker broker() {
		return this.broker;
	}

	/** Registers a subscription with the router unless the session closed meanwhile. */
	synchronized void addSubscription(SessionSubscription subscription) {
		if (!isOpen()) {
			return;
		}
		this.subscriptions.put(subscription.id(), subscription);
		Route route = this.broker.router().subscribe(subscription.destination(), user(), subscription);
		subscription.attach(route);
		this.starting = subscription;
	}

	synchronized SessionSubscription removeSubscription(String subscriptionId) {
		return this.subscriptions.remove(subscriptionId);
	}

	synchronized SessionSubscription findSubscriptionByIndex(int index) {
		for (SessionSubscription subscription : this.subscriptions.values()) {
			if (subscription.index() == index) {
				return subscription;
			}
		}
		return null;
	}

	void disconnect(String receipt) {
		if (receipt != null) {
			send(Frame.builder(Command.RECEIPT).header("receipt-id", receipt).build());
		}
		closeAfterFlush();
	}

	// ---- output ----

	/** Queues a control frame (CONNECTED, RECEIPT, ERROR) for this session. */
	void send(Frame frame) {
		OutboundFrame encoded = new OutboundFrame(OutboundFrame.EMPTY, FrameEncoder.encode(frame, this.version), false);
		if (this.outbound.offer(encoded)) {
			written();
		}
		else {
			slowConsumer();
		}
	}

	/** Queues a MESSAGE; a full buffer makes this session a slow consumer. */
	boolean enqueueMessage(OutboundFrame frame) {
		if (!isOpen()) {
			return false;
		}
		if (!this.outbound.offer(frame)) {
			slowConsumer();
			return false;
		}
		written();
		return true;
	}

	private void written() {
		this.lastWriteNanos = this.broker.nanoTime();
		this.transport.wakeUp();
	}

	/** The outbound buffer drained after turning queues away: let them dispatch again. */
	private void resumeQueues() {
		if (!isOpen()) {
			return;
		}
		List<SessionSubscription> current;
		synchronized (this) {
			current = new ArrayList<>(this.subscriptions.values());
		}
		for (SessionSubscription subscription : current) {
			subscription.start();
		}
	}

	// ---- ending ----

	/** Ends the session for a protocol violation found off the session's thread. */
	void violation(String message) {
		fail(message, null);
	}

	/** Ends the session with one ERROR frame, then close. */
	void fail(String message, String receipt) {
		fail(message, receipt, null);
	}

	private void fail(String message, String receipt, String supportedVersions) {
		if (this.state.getAndSet(State.CLOSED) == State.CLOSED) {
			return;
		}
		this.broker.stats().protocolError();
		sendFinalError(message, receipt, supportedVersions);
	}

	private void slowConsumer() {
		if (this.state.getAndSet(State.CLOSED) == State.CLOSED) {
			return;
		}
		this.broker.stats().slowConsumer();
		this.outbound.clear();
		sendFinalError("slow consumer: more than " + this.settings.outboundBufferBytes()
				+ " bytes waiting to be sent to this client", null);
	}

	/** Ends the session because the broker stops. */
	void shutdown() {
		if (this.state.getAndSet(State.CLOSED) == State.CLOSED) {
			return;
		}
		sendFinalError("server shutting down", null);
	}

	private void sendFinalError(String message, String receipt) {
		sendFinalError(message, receipt, null);
	}

	/**
	 * @param supportedVersions the {@code version} header of an ERROR for a failed
	 * negotiation, else {@code null}
	 */
	private void sendFinalError(String message, String receipt, String supportedVersions) {
		Frame.Builder error = Frame.builder(Command.ERROR)
			.headerIfPresent("version", supportedVersions)
			.header("message", message)
			.headerIfPresent("receipt-id", receipt)
			.header("content-type", "text/plain")
			.body(message);
		this.outbound
			.force(new OutboundFrame(OutboundFrame.EMPTY, FrameEncoder.encode(error.build(), this.version), false));
		closeAfterFlush();
	}

	private void closeAfterFlush() {
		this.state.set(State.CLOSED);
		this.outbound.closeWhenDrained();
		this.transport.wakeUp();
		this.broker.schedule(this.transport::close, CLOSE_GRACE_MILLIS);
		release();
	}

	private void release() {
		cancelTimer();
		this.broker.releaseLater(this);
	}

	/** Runs on the broker's timer thread once the session is closed. */
	void releaseNow() {
		List<SessionSubscription> owned;
		synchronized (this) {
			owned = new ArrayList<>(this.subscriptions.values());
			this.subscriptions.clear();
		}
		for (SessionSubscription subscription : owned) {
			subscription.close();
		}
		this.transactions.abortAll();
	}

	/** Refuses a new connection for a connection limit: one ERROR, then close. */
	void refuse(String message) {
		if (this.state.getAndSet(State.CLOSED) == State.CLOSED) {
			return;
		}
		this.broker.stats().connectionRefused();
		sendFinalError(message, null);
	}

	/**
	 * Answers a failed login with ERROR "authentication failed" (never saying which part
	 * was wrong), later and later for an address that keeps failing.
	 */
	private void refuseLogin(String receipt) {
		if (!this.state.compareAndSet(State.AWAITING_CONNECT, State.REFUSING)) {
			return;
		}
		cancelTimer();
		this.broker.stats().authenticationFailed();
		long delay = this.broker.loginThrottle().failed(this.transport.remoteAddress(), this.broker.nanoTime());
		if (delay <= 0) {
			fail("authentication failed", receipt);
		}
		else {
			this.timer = this.broker.schedule(() -> fail("authentication failed", receipt), delay);
		}
	}

	/**
	 * Validates a token sent in band to {@code /herald/token}: a valid one for the same
	 * user replaces the session's identity and expiry, anything else ends the session.
	 */
	void refreshToken(String token) throws StompViolation {
		Identity refreshed;
		try {
			refreshed = this.broker.authenticator().refresh(this.identity, token);
		}
		catch (AuthenticationException ex) {
			throw new StompViolation("token refresh failed: " + ex.getMessage());
		}
		if (!java.util.Objects.equals(refreshed.name(), this.identity.name())) {
			throw new StompViolation("token refresh failed: the token names another user");
		}
		this.identity = refreshed;
		scheduleExpiry();
	}

	private void scheduleExpiry() {
		ScheduledFuture<?> previous = this.expiry;
		if (previous != null) {
			previous.cancel(false);
		}
		Instant expiresAt = this.identity.expiresAt();
		if (expiresAt != null) {
			long delay = Math.max(0, Duration.between(this.broker.now(), expiresAt).toMillis());
			this.expiry = this.broker.schedule(this::checkExpiry, delay);
		}
	}

	private void checkExpiry() {
		Instant expiresAt = this.identity.expiresAt();
		if (expiresAt == null || !isOpen()) {
			return;
		}
		if (!this.broker.now().isBefore(expiresAt)) {
			fail("token expired", null);
		}
		else {
			scheduleExpiry();
		}
	}

	// ---- timers ----

	private void connectTimedOut() {
		if (this.state.get() == State.AWAITING_CONNECT) {
			fail("no CONNECT frame within " + this.settings.connectTimeoutMillis() + " ms of opening the connection",
					null);
		}
	}

	private void heartBeatTick() {
		if (!isOpen()) {
			cancelTimer();
			return;
		}
		long now = this.broker.nanoTime();
		if (this.expectEveryMillis > 0) {
			long silentMillis = TimeUnit.NANOSECONDS.toMillis(now - this.lastReadNanos);
			if (silentMillis > HeartBeats.deadline(this.expectEveryMillis)) {
				fail("heart-beat timeout: nothing received for " + silentMillis + " ms (agreed interval "
						+ this.expectEveryMillis + " ms)", null);
				return;
			}
		}
		if (this.sendEveryMillis > 0) {
			long idleMillis = TimeUnit.NANOSECONDS.toMillis(now - this.lastWriteNanos);
			if (idleMillis >= this.sendEveryMillis / 2) {
				if (this.outbound.offer(HeartBeats.FRAME)) {
					written();
				}
			}
		}
	}

	private void cancelTimer() {
		ScheduledFuture<?> current = this.timer;
		if (current != null) {
			current.cancel(false);
		}
		ScheduledFuture<?> expiring = this.expiry;
		if (expiring != null && !isOpen()) {
			expiring.cancel(false);
		}
	}

	@Override
	public String toString() {
		return "Session[" + this.id + ", " + this.transport.remoteAddress() + "]";
	}

}
