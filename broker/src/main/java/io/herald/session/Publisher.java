package io.herald.session;

import java.util.LinkedHashMap;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.herald.protocol.FrameLimits;
import io.herald.protocol.Headers;
import io.herald.routing.Destination;
import io.herald.routing.DestinationException;
import io.herald.routing.Ingress;
import io.herald.routing.Message;
import io.herald.routing.PublishResult;
import io.herald.security.Action;
import io.herald.security.AuthenticationException;
import io.herald.security.Credentials;
import io.herald.security.Identity;

/**
 * Publishing for senders without a STOMP session (the HTTP publish API), with the checks
 * a SEND gets: credentials through the same {@link io.herald.security.Authenticator}, the
 * same {@code send} rules, the frame limits for the body and headers, the inbound rate
 * per client, the memory alarm and the queues' bounds. Thread-safe: request threads call
 * it concurrently.
 *
 * <p>
 * Failed logins make that address and login wait, as at CONNECT; since an HTTP answer
 * cannot be delayed without holding a thread, its requests are answered
 * {@link Fault#RATE_LIMITED} until its delay has passed, before any password is checked.
 */
public final class Publisher {

	/** The name an anonymous HTTP sender is stamped with. */
	public static final String ANONYMOUS_SENDER = Identity.ANONYMOUS_PREFIX + "http";

	/** Most clients whose rate or failed logins are tracked; the oldest are forgotten. */
	private static final int MAX_TRACKED_CLIENTS = 10_000;

	private final SessionServices services;

	private final LoginThrottle failedLogins;

	private final Map<String, Attempts> failures = lruMap();

	private final Map<String, TokenBucket> rates = lruMap();

	Publisher(SessionServices services) {
		this.services = services;
		this.failedLogins = new LoginThrottle(services.abuseLimits().maxLoginDelayMillis());
	}

	private static <V> Map<String, V> lruMap() {
		return new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
				return size() > MAX_TRACKED_CLIENTS;
			}
		};
	}

	/** Why a publish was not done: each maps to one HTTP status. */
	public enum Fault {

		/** The request is malformed: a bad destination, header or value. */
		BAD_REQUEST,
		/** The request is not in a format the API reads (JSON). */
		UNSUPPORTED_TYPE,
		/** The credentials are missing where they are required, or wrong. */
		UNAUTHENTICATED,
		/** The sender may not send to the destination (or watch the room). */
		ACCESS_DENIED,
		/** What was asked for is not there: a room without presence. */
		NOT_FOUND,
		/** The body or a header is over the node's frame limits. */
		TOO_LARGE,
		/**
		 * The client sends faster than {@code herald.limits.inbound-frames-per-second}.
		 */
		RATE_LIMITED,
		/** The destination is a queue that holds its limit. */
		QUEUE_FULL,
		/**
		 * The node refuses publishing now (its memory alarm), or the cluster's RabbitMQ
		 * did not store a queue message.
		 */
		UNAVAILABLE

	}

	/** A publish that was refused, naming the fault. */
	public static final class PublishException extends Exception {

		private static final long serialVersionUID = 1L;

		private final Fault fault;

		private final long retryAfterMillis;

		public PublishException(Fault fault, String message) {
			this(fault, message, 0);
		}

		public PublishException(Fault fault, String message, long retryAfterMillis) {
			super(message, null, false, false);
			this.fault = fault;
			this.retryAfterMillis = retryAfterMillis;
		}

		public Fault fault() {
			return this.fault;
		}

		/** How long the client should wait before trying again; 0 when not said. */
		public long retryAfterMillis() {
			return this.retryAfterMillis;
		}

	}

	/**
	 * What routing did with a published message.
	 *
	 * @param destination where it went, as the sender named it
	 * @param messageId its {@code message-id} * @param receivers how many topic
	 * subscribers got it
	 * @param queued whether a queue took it, for one consumer now or when one is ready
	 * @param duplicate whether its idempotency key was seen within the window, so it was
	 * not routed again
	 * @param offset its offset in the topic's history, 0 when the topic keeps none
	 * @param epoch the history's epoch, or {@code null}
	 */
	public record Outcome(String destination, String messageId, int receivers, boolean queued, boolean duplicate,
			long offset, String epoch) {
	}

	/**
	 * Who the credentials name, as CONNECT would decide.
	 * <p>
	 * Failed logins are throttled per address and login: after a failure the next attempt
	 * waits its delay, and only one attempt at a time is checked, so parallel requests
	 * cannot guess faster. A login without failures is never held up.
	 * @throws PublishException {@link Fault#UNAUTHENTICATED} for missing or wrong
	 * credentials, {@link Fault#RATE_LIMITED} while that login from that address must
	 * wait after failures
	 */
	public Identity authenticate(Credentials credentials) throws PublishException {
		boolean presented = credentials.login() != null || credentials.passcode() != null
				|| credentials.authorization() != null;
		String key = credentials.remoteAddress() + '\u0000'
				+ ((credentials.login() != null) ? credentials.login() : presented ? "\u0000token" : "");
		long now = this.services.nanoClock().getAsLong();
		Attempts attempts;
		synchronized (this.failures) {
			attempts = this.failures.get(key);
			if (attempts != null) {
				if (now < attempts.until || attempts.checking) {
					long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(attempts.until - now) + 1);
					throw new PublishException(Fault.RATE_LIMITED,
							"too many failed logins from " + credentials.remoteAddress() + ": wait before trying again",
							wait);
				}
				attempts.checking = true;
			}
		}
		try {
			Identity identity = this.services.authenticator().authenticate(credentials);
			if (attempts != null) {
				synchronized (this.failures) {
					this.failures.remove(key);
				}
			}
			return identity.isAnonymous() ? Identity.anonymous("http") : identity;
		}
		catch (AuthenticationException ex) {
			if (presented) {
				// asking without credentials guesses nothing: only wrong ones wait
				long delay = this.failedLogins.failed(key, now);
				synchronized (this.failures) {
					this.failures.put(key, new Attempts(now + TimeUnit.MILLISECONDS.toNanos(delay)));
				}
			}
			throw new PublishException(Fault.UNAUTHENTICATED, ex.getMessage());
		}
		catch (RuntimeException ex) {
			synchronized (this.failures) {
				if (attempts != null) {
					attempts.checking = false;
				}
			}
			throw ex;
		}
	}

	/** Recent failed logins of one address and login. Guarded by the map. */
	private static final class Attempts {

		final long until;

		/** An attempt is being checked now: the next must wait for its answer. */
		boolean checking;

		Attempts(long until) {
			this.until = until;
		}

	}

	/**
	 * Publishes one message as the identity.
	 * @param client whose rate this counts against: the user, or the address of an
	 * anonymous sender
	 * @param headers headers for subscribers ({@code x-herald-retain},
	 * {@code x-herald-idempotency-key} and {@code content-type} included)
	 */
	public Outcome publish(Identity identity, String client, String destinationName, Headers headers, byte[] body)
			throws PublishException {
		takeRate(client);
		FrameLimits limits = this.services.settings().frameLimits();
		if (body.length > limits.maxFrameBytes()) {
			throw new PublishException(Fault.TOO_LARGE, "the body is " + body.length
					+ " bytes, over herald.limits.max-frame-size of " + limits.maxFrameBytes());
		}
		checkHeaders(headers, limits);
		Destination destination;
		try {
			destination = Destination.forSend(destinationName);
		}
		catch (DestinationException ex) {
			throw new PublishException(Fault.BAD_REQUEST, ex.getMessage());
		}
		String segments = this.services.router().segmentLimitRefusal(destination);
		if (segments != null) {
			throw new PublishException(Fault.BAD_REQUEST, segments);
		}
		if (!this.services.policy().allows(identity, Action.SEND, destinationName)) {
			String who = identity.isAnonymous() ? "an anonymous sender" : "user '" + identity.name() + "'";
			throw new PublishException(Fault.ACCESS_DENIED,
					"access denied: " + who + " may not send to '" + destinationName + "'");
		}
		if ("true".equals(headers.get(Ingress.RETAIN_HEADER))) {
			String refusal = this.services.router().retainRefusal(destination);
			if (refusal != null) {
				throw new PublishException(Fault.BAD_REQUEST, refusal);
			}
		}
		checkMemory();
		Ingress ingress = this.services.ingress();
		Message message;
		try {
			message = ingress.message(destination, destinationName, headers, body, identity.name());
		}
		catch (IllegalArgumentException ex) {
			throw new PublishException(Fault.BAD_REQUEST, ex.getMessage());
		}
		PublishResult result = ingress.publish(destination, message);
		if (!result.accepted()) {
			Fault fault = ingress.isRefusing() ? Fault.UNAVAILABLE : Fault.QUEUE_FULL;
			throw new PublishException(fault, result.refusal(), 1000);
		}
		// a cluster queue's message: answered once RabbitMQ has it
		String notStored = result.awaitStored();
		if (notStored != null) {
			throw new PublishException(Fault.UNAVAILABLE, notStored, 1000);
		}
		boolean queue = destination.kind() != Destination.Kind.TOPIC;
		return new Outcome(destinationName, message.messageId(), queue ? 0 : result.receivers(), queue,
				result.isDuplicate(), message.offset(), message.epoch());
	}

	/**
	 * Who is in a room, as a {@code /presence/topic/ROOM} subscriber's snapshot says: for
	 * an identity that may subscribe to {@code /topic/ROOM}, counted against the client's
	 * rate as a publish is.
	 */
	public byte[] presence(Identity identity, String client, String room) throws PublishException {
		takeRate(client);
		String topic = "/topic/" + room;
		Destination destination;
		try {
			destination = Destination.forSubscribe("/presence" + topic);
		}
		catch (DestinationException ex) {
			throw new PublishException(Fault.BAD_REQUEST, ex.getMessage());
		}
		if (!this.services.policy().allows(identity, Action.SUBSCRIBE, topic)) {
			String who = identity.isAnonymous() ? "an anonymous client" : "user '" + identity.name() + "'";
			throw new PublishException(Fault.ACCESS_DENIED,
					"access denied: " + who + " may not subscribe to '" + topic + "', which its presence needs");
		}
		String refusal = this.services.router().presenceRefusal(destination);
		if (refusal != null) {
			throw new PublishException(Fault.NOT_FOUND, refusal);
		}
		return this.services.router().presenceSnapshot(room);
	}

	/**
	 * Refuses while the node's memory alarm is engaged, naming the limit.
	 * @throws PublishException {@link Fault#UNAVAILABLE}, retry after a second
	 */
	public void checkMemory() throws PublishException {
		Ingress ingress = this.services.ingress();
		if (ingress.isRefusing()) {
			throw new PublishException(Fault.UNAVAILABLE, ingress.memoryAlarm().refusal(), 1000);
		}
	}

	private void takeRate(String client) throws PublishException {
		AbuseLimits abuse = this.services.abuseLimits();
		if (abuse.inboundFramesPerSecond() <= 0) {
			return;
		}
		long now = this.services.nanoClock().getAsLong();
		boolean allowed;
		synchronized (this.rates) {
			allowed = this.rates.computeIfAbsent(client, (key) -> new TokenBucket(abuse.inboundFramesPerSecond(), now))
				.take(1, now);
		}
		if (!allowed) {
			throw new PublishException(Fault.RATE_LIMITED, "rate limited: " + client + " publishes more than "
					+ abuse.inboundFramesPerSecond() + " messages per second (herald.limits.inbound-frames-per-second)",
					1000);
		}
	}

	private static void checkHeaders(Headers headers, FrameLimits limits) throws PublishException {
		if (headers.size() > limits.maxHeaderCount()) {
			throw new PublishException(Fault.TOO_LARGE,
					headers.size() + " headers, over herald.limits.max-headers of " + limits.maxHeaderCount());
		}
		for (int i = 0; i < headers.size(); i++) {
			String name = headers.name(i);
			String value = headers.value(i);
			if (name.isEmpty() || !printable(name) || name.indexOf(':') >= 0) {
				throw new PublishException(Fault.BAD_REQUEST,
						"header name '" + name + "' must be non-empty, without ':' or control characters");
			}
			if (!printable(value)) {
				throw new PublishException(Fault.BAD_REQUEST,
						"header '" + name + "' has a control character in its value");
			}
			if (name.length() + value.length() + 1 > limits.maxHeaderLineBytes()) {
				throw new PublishException(Fault.TOO_LARGE, "header '" + name
						+ "' is over herald.limits.max-header-line-size of " + limits.maxHeaderLineBytes());
			}
		}
	}

	/** Without CR, LF, NUL or other control characters. */
	private static boolean printable(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (Character.isISOControl(text.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/** The rate key of a sender: the user, or the address of an anonymous one. */
	public static String client(Identity identity, String address) {
		return identity.isAnonymous() ? "address " + address : "user '" + identity.name() + "'";
	}

}
