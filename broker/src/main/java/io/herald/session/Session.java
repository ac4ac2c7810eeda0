package io.herald.session;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.StompVersion;
import io.herald.security.AuthenticationException;
import io.herald.security.Identity;

/**
 * One client connection's STOMP session (STOMP 1.2, "Connecting", "Client Frames"): a
 * state machine, {@code AWAITING_CONNECT → CONNECTED → CLOSED}, whose state is changed
 * only by the holder of its {@link Mailbox}, and whose every ending goes through
 * {@link #close}. Ownership, what is shared and the lock order are written down in the
 * package's design note ({@code package-info.java}).
 */
public final class Session {

	private enum Phase {

		/** Socket open, waiting for CONNECT. */
		AWAITING_CONNECT,
		/**
		 * CONNECT refused; the ERROR waits out the login throttle, frames are ignored.
		 */
		REFUSING, CONNECTED,
		/** Released: subscriptions, timers and transactions are gone. */
		CLOSED

	}

	private static final long CLOSE_GRACE_MILLIS = 2_000;

	private static final System.Logger LOGGER = System.getLogger(Session.class.getName());

	private final SessionServices services;

	private final String id;

	private final TransportConnection transport;

	private final Instant openedAt;

	private final Outbound outbound;

	private final Mailbox mailbox;

	private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();

	/** Completed when the transport saw the connection close. */
	private final CompletableFuture<Void> transportGone = new CompletableFuture<>();

	private final HeartBeat heartBeat;

	// ---- owned by the mailbox ----

	private final Inbound inbound;

	private final SubscriptionRegistry subscriptions;

	private final Transactions transactions;

	private final ClientFrames clientFrames;

	private final TokenExpiry expiry;

	private volatile Phase phase = Phase.AWAITING_CONNECT;

	private volatile StompVersion version = StompVersion.V1_2;

	private volatile Identity identity = Identity.anonymous();

	private ScheduledFuture<?> timer;

	/** Bytes read; written by the transport's reading thread (one at a time). */
	private volatile long bytesIn;

	/** Frames decoded; written by the owner. */
	private volatile long framesIn;

	/** A header the frame being handled adds to its RECEIPT; owned by the mailbox. */
	private String receiptHeaderName;

	private String receiptHeaderValue;

	/**
	 * What the frame being handled waits for before its RECEIPT; owned by the mailbox.
	 */
	private CompletionStage<String> awaited;

	/** RECEIPTs behind confirmations still to come; owned by the mailbox. */
	private final ReceiptGate receipts;

	/** DISCONNECT came while confirmations were outstanding; owned by the mailbox. */
	private boolean disconnecting;

	Session(SessionServices services, String id, TransportConnection transport) {
		this.services = services;
		this.id = id;
		this.transport = transport;
		this.openedAt = services.wallClock().instant();
		SessionSettings settings = services.settings();
		this.outbound = new Outbound(settings.outboundBufferBytes(), services.memory(), services.nanoClock(),
				services.stats()::deliveryLatency);
		this.mailbox = new Mailbox(services.commands());
		long now = services.nanoClock().getAsLong();
		this.heartBeat = new HeartBeat(now);
		this.inbound = new Inbound(settings.frameLimits(), services.abuseLimits(), now, services.memory());
		this.subscriptions = new SubscriptionRegistry(settings.maxSubscriptions());
		this.transactions = new Transactions(settings.maxTransactionFrames(), services.memory());
		this.clientFrames = new ClientFrames(this, this.subscriptions, this.transactions, services);
		this.receipts = new ReceiptGate(new ReceiptGate.Sink() {
			@Override
			public void receipt(OutboundFrame receipt) {
				enqueue(receipt);
			}

			@Override
			public void refused(String why, String receiptId) {
				close(CloseReason.NOT_STORED, why, receiptId, null);
			}

			@Override
			public void disconnect(String receiptId) {
				close(CloseReason.CLIENT_DISCONNECT, null, receiptId, null);
			}
		});
		this.expiry = new TokenExpiry(services.authenticator(), services.timer(), services.wallClock(),
				this.mailbox::runOrPost, () -> close(CloseReason.TOKEN_EXPIRED, "token expired", null, null));
		this.timer = schedule(this::connectTimedOut, settings.connectTimeoutMillis());
		this.outbound.onRoomForQueues(() -> this.mailbox.post(() -> {
			if (isOpen()) {
				this.subscriptions.startAll();
			}
		}));
	}

	public String id() {
		return this.id;
	}

	/**
	 * The session's user: the authenticated name, {@code anonymous-ID} (assigned by the
	 * broker) for an anonymous session, or {@code null} before CONNECT.
	 */
	public String user() {
		return this.identity.name();
	}

	Identity identity() {
		return this.identity;
	}

	String transportKind() {
		return this.transport.kind();
	}

	String remoteAddress() {
		return this.transport.remoteAddress();
	}

	public Outbound outbound() {
		return this.outbound;
	}

	public boolean isOpen() {
		return this.closeReason.get() == null;
	}

	/** Why the session ended or is ending, {@code null} while open. */
	public CloseReason closeReason() {
		return this.closeReason.get();
	}

	StompVersion version() {
		return this.version;
	}

	/** A snapshot for operators; any thread. */
	public SessionInfo info() {
		long queued = this.outbound.queuedBytes();
		long silentNanos = Math.max(0, nanos() - this.heartBeat.lastReadNanos());
		return new SessionInfo(this.id, user(), remoteAddress(), this.transport.kind(),
				(this.phase == Phase.AWAITING_CONNECT) ? null : this.version.text(), this.openedAt,
				this.subscriptions.count(), traffic(), queued,
				Math.min(1.0, (double) queued / Math.max(1, this.outbound.maxBytes())),
				this.services.wallClock().instant().minusNanos(silentNanos), this.heartBeat.agreed(),
				this.closeReason.get());
	}

	/** Frames and bytes in and out so far; any thread. */
	SessionTraffic traffic() {
		return new SessionTraffic(this.framesIn, this.bytesIn, this.outbound.framesOut(), this.outbound.bytesOut());
	}

	long framesIn() {
		return this.framesIn;
	}

	long bytesIn() {
		return this.bytesIn;
	}

	/**
	 * The session's subscriptions, snapshotted by the session's owner (the registry is
	 * its own); empty once the session is released.
	 */
	CompletableFuture<List<SubscriptionInfo>> subscriptionInfos() {
		CompletableFuture<List<SubscriptionInfo>> snapshot = new CompletableFuture<>();
		this.mailbox
			.post(() -> snapshot.complete(this.subscriptions.all().stream().map(SessionSubscription::info).toList()));
		return snapshot;
	}

	// ---- input ----

	/** Feeds bytes read from the connection. Called by one transport thread at a time. */
	public void onBytes(ByteBuffer bytes) {
		this.heartBeat.read(nanos());
		this.bytesIn += bytes.remaining();
		if (isOpen()) {
			this.mailbox.runBytes(bytes, this::decode);
		}
	}

	/**
	 * The transport refused what the client sent before it reached the decoder (a
	 * WebSocket message beyond the transport's own bound): the session ends with an ERROR
	 * naming the problem, as for a frame the decoder refuses.
	 */
	public void onTransportViolation(CloseReason reason, String message) {
		close(reason, message, null, null);
	}

	/** The transport saw the connection close. */
	public void onTransportClosed() {
		close(CloseReason.TRANSPORT_CLOSED, null, null, null);
		// whatever still waits can never be written
		this.outbound.discard();
		this.transportGone.complete(null);
	}

	private void decode(ByteBuffer bytes) {
		if (!isOpen() || this.phase == Phase.REFUSING) {
			return;
		}
		try {
			this.inbound.decode(bytes, this.heartBeat.lastReadNanos(), this::onFrame);
		}
		catch (StompViolation ex) {
			closeFor(ex, ex.receipt());
		}
		if (this.inbound.accountPartialFrame()) {
			close(CloseReason.LIMIT_EXCEEDED, this.services.ingress().memoryAlarm().refusal(), null, null);
		}
	}

	private void onFrame(Frame frame) {
		if (!isOpen() || this.phase == Phase.REFUSING || this.disconnecting) {
			return;
		}
		this.awaited = null;
		String receipt = frame.header("receipt");
		this.services.stats().frameIn(frame.command());
		this.framesIn++;
		try {
			this.inbound.countFrame(this.heartBeat.lastReadNanos());
			if (this.phase == Phase.AWAITING_CONNECT) {
				if (frame.command() != Command.CONNECT && frame.command() != Command.STOMP) {
					throw new StompViolation(
							"not connected: the first frame must be CONNECT or STOMP, got " + frame.command());
				}
				connect(frame);
			}
			else if (frame.command() == Command.DISCONNECT) {
				if (this.receipts.isHolding()) {
					// its RECEIPT says all before it was processed: after their
					// confirmations
					this.disconnecting = true;
					this.receipts.disconnect(receipt);
				}
				else {
					// the RECEIPT is the last frame, sent by the close
					close(CloseReason.CLIENT_DISCONNECT, null, receipt, null);
				}
				return;
			}
			else {
				this.clientFrames.handle(frame);
			}
			OutboundFrame receiptFrame = (receipt != null && this.phase == Phase.CONNECTED)
					? ControlFrames.receipt(receipt, this.receiptHeaderName, this.receiptHeaderValue, this.version)
					: null;
			if (this.awaited != null) {
				awaitConfirmation(this.awaited, receiptFrame, receipt);
				this.awaited = null;
			}
			else if (receiptFrame != null) {
				this.receipts.receipt(receiptFrame);
			}
			this.receiptHeaderName = null;
			this.subscriptions.startPending();
		}
		catch (StompViolation ex) {
			closeFor(ex, receipt);
		}
		catch (RuntimeException ex) {
			// a fault of the broker or of a plug-in (authenticator, policy) ends this
			// session the same way, with an ERROR and no details, instead of escaping to
			// the transport, which would drop the connection silently
			LOGGER.log(System.Logger.Level.ERROR, "failed to handle " + frame.command() + " in " + this, ex);
			close(CloseReason.INTERNAL_ERROR, "internal error while handling " + frame.command(), receipt, null);
		}
	}

	private void closeFor(StompViolation violation, String receipt) {
		close(violation.reason(), violation.getMessage(), receipt, violation.supportedVersions());
	}

	private void connect(Frame frame) throws StompViolation {
		Handshake.Accepted accepted;
		try {
			accepted = this.services.handshake().accept(frame, this.id, this.transport);
		}
		catch (AuthenticationException ex) {
			refuseLogin(frame.header("receipt"));
			return;
		}
		this.version = accepted.version();
		this.inbound.setVersion(accepted.version());
		this.identity = accepted.identity();
		this.phase = Phase.CONNECTED;
		cancelTimer();
		enqueue(ControlFrames.encode(accepted.connected(), this.version));
		this.expiry.track(accepted.identity());
		this.heartBeat.start(accepted.sendEveryMillis(), accepted.expectEveryMillis(), this.services.timer(),
				() -> this.mailbox.runOrPost(() -> {
					String dead = isOpen() ? this.heartBeat.tick(nanos(), this.outbound, this::written) : null;
					if (dead != null) {
						close(CloseReason.HEARTBEAT_TIMEOUT, dead, null, null);
					}
				}));
	}

	/**
	 * Answers a failed login with ERROR "authentication failed" (never saying which part
	 * was wrong), later and later for an address that keeps failing.
	 */
	private void refuseLogin(String receipt) {
		this.phase = Phase.REFUSING;
		cancelTimer();
		this.services.stats().authenticationFailed();
		long delay = this.services.handshake().loginFailed(remoteAddress(), nanos());
		Runnable refuse = () -> close(CloseReason.AUTHENTICATION_FAILED, "authentication failed", receipt, null);
		if (delay <= 0) {
			refuse.run();
		}
		else {
			this.timer = schedule(refuse, delay);
		}
	}

	/**
	 * Validates a token sent in band to {@code /herald/token}: a valid one for the same
	 * user replaces the session's identity and expiry, anything else ends the session.
	 */
	void refreshToken(String token) throws StompViolation {
		this.identity = this.expiry.refresh(this.identity, token);
	}

	/**
	 * The frame being handled is done only when {@code stored} completes (a queue SEND
	 * the cluster's RabbitMQ confirms later): its RECEIPT, and those of the frames after
	 * it, wait; a refusal ends the session with an ERROR. On the owner's thread.
	 */
	void awaitStored(CompletionStage<String> stored) {
		this.awaited = stored;
	}

	private void awaitConfirmation(CompletionStage<String> stored, OutboundFrame receiptFrame, String receipt) {
		Object handle = this.receipts.awaiting(receiptFrame, receipt);
		stored.whenComplete((refusal, failure) -> this.mailbox.runOrPost(() -> {
			if (isOpen()) {
				this.receipts.confirmed(handle, (failure != null) ? "not stored: " + failure.getMessage() : refusal);
			}
		}));
	}

	/**
	 * Adds a header to the RECEIPT of the frame being handled, if it asked for one. On
	 * the owner's thread.
	 */
	void receiptHeader(String name, String value) {
		this.receiptHeaderName = name;
		this.receiptHeaderValue = value;
	}

	/** For tests, on the owner's thread. */
	SessionSubscription findSubscriptionByIndex(int index) {
		return this.subscriptions.byIndex(index);
	}

	// ---- output ----

	/**
	 * Queues a frame (MESSAGE, RECEIPT, CONNECTED); a full buffer makes this session a
	 * slow consumer. Any thread.
	 */
	/** The broker's counters. */
	BrokerStats stats() {
		return this.services.stats();
	}

	boolean enqueue(OutboundFrame frame) {
		if (!this.outbound.offer(frame)) {
			overflowed();
			return false;
		}
		written();
		return true;
	}

	private void written() {
		this.heartBeat.wrote(nanos());
		this.transport.wakeUp();
	}

	/** An offer was refused: the buffer is full, unless the session is closing anyway. */
	private void overflowed() {
		if (!this.outbound.isSealed()) {
			close(CloseReason.SLOW_CONSUMER, "slow consumer: more than "
					+ this.services.settings().outboundBufferBytes() + " bytes waiting to be sent to this client", null,
					null);
		}
	}

	// ---- timers ----

	private void connectTimedOut() {
		this.mailbox.runOrPost(() -> {
			if (this.phase == Phase.AWAITING_CONNECT) {
				close(CloseReason.CONNECT_TIMEOUT, "no CONNECT frame within "
						+ this.services.settings().connectTimeoutMillis() + " ms of opening the connection", null,
						null);
			}
		});
	}

	/**
	 * Schedules on the broker's timer; {@code null} once the timer stopped with the
	 * broker.
	 */
	private ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
		try {
			return this.services.timer().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	private void cancelTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	// ---- ending ----

	/**
	 * Ends the session, from any thread; the first call wins and the others do nothing.
	 * The client gets the final frame (an ERROR naming the problem, or the RECEIPT of its
	 * DISCONNECT) after what is already queued, and nothing after it.
	 * @param message the ERROR's {@code message}, for reasons that send one
	 * @param receipt the {@code receipt-id} of the final frame, or {@code null}
	 * @param supportedVersions the ERROR's {@code version} header, or {@code null}
	 * @return whether this call closed the session
	 */
	boolean close(CloseReason reason, String message, String receipt, String supportedVersions) {
		if (!this.closeReason.compareAndSet(null, reason)) {
			return false;
		}
		this.services.stats().countClose(reason);
		this.services.stats()
			.recentCloses()
			.add(new ClosedSession(this.services.wallClock().instant(), this.id, user(), remoteAddress(),
					this.transport.kind(), reason.tag(), message));
		this.services.abuse().closed(reason, remoteAddress(), this.id, message);
		if (LOGGER.isLoggable(System.Logger.Level.DEBUG)) {
			LOGGER.log(System.Logger.Level.DEBUG,
					this + " closed: " + reason.tag() + ((message != null) ? " (" + message + ")" : ""));
		}
		OutboundFrame last = null;
		if (reason.sendsError()) {
			last = ControlFrames.error(message, receipt, supportedVersions, this.version);
		}
		else if (receipt != null) {
			last = ControlFrames.receipt(receipt, this.version);
		}
		this.outbound.seal(last, reason.discardsQueued());
		if (reason != CloseReason.TRANSPORT_CLOSED) {
			this.transport.wakeUp();
			// a client that does not read its last frame is cut off after a grace
			schedule(this.transport::close, CLOSE_GRACE_MILLIS);
		}
		this.mailbox.post(this::release);
		return true;
	}

	/**
	 * Completes when the transport saw the connection close: after the last frame was
	 * written, or after the close grace cut off a client that does not read.
	 */
	CompletableFuture<Void> transportClosed() {
		return this.transportGone;
	}

	/** Ends the session at an operator's request. */
	boolean disconnectByOperator(String why) {
		return close(CloseReason.ADMIN_DISCONNECT, "disconnected by an operator: " + why, null, null);
	}

	/** The owner's half of closing: everything the session holds is let go. */
	private void release() {
		this.phase = Phase.CLOSED;
		cancelTimer();
		this.heartBeat.stop();
		this.expiry.stop();
		for (SessionSubscription subscription : this.subscriptions.removeAll()) {
			subscription.close();
		}
		this.transactions.abortAll();
		this.receipts.clear();
		this.inbound.releasePartialFrame();
		this.services.registry().remove(this);
		this.services.stats().released(traffic());
	}

	/**
	 * Runs a task on the broker's timer after a delay; nothing once the timer stopped.
	 */
	void scheduleNanos(Runnable task, long delayNanos) {
		try {
			this.services.timer().schedule(task, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the broker is stopping
		}
	}

	/** The session's clock, in nanoseconds. */
	long nanos() {
		return this.services.nanoClock().getAsLong();
	}

	@Override
	public String toString() {
		return "Session[" + this.id + ", " + this.transport.remoteAddress() + "]";
	}

}
