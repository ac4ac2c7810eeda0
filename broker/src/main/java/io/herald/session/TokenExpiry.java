package io.herald.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.herald.security.AuthenticationException;
import io.herald.security.Authenticator;
import io.herald.security.Identity;

/**
 * The lifetime of a session's credentials: a timer at the token's expiry, and in-band
 * refresh through {@code /herald/token}, which replaces the identity and moves the timer.
 * Used by the session's owner; the timer hands its check to the owner.
 */
final class TokenExpiry {

	private final Authenticator authenticator;

	private final ScheduledExecutorService timer;

	private final Clock clock;

	private final Consumer<Runnable> owner;

	private final Runnable expired;

	private Identity tracked;

	private ScheduledFuture<?> pending;

	private boolean stopped;

	/**
	 * @param owner hands a task to the session's owner
	 * @param expired runs on the owner when the tracked identity has expired
	 */
	TokenExpiry(Authenticator authenticator, ScheduledExecutorService timer, Clock clock, Consumer<Runnable> owner,
			Runnable expired) {
		this.authenticator = authenticator;
		this.timer = timer;
		this.clock = clock;
		this.owner = owner;
		this.expired = expired;
	}

	/** Arms the timer for the identity's expiry, if it has one. */
	void track(Identity identity) {
		cancelPending();
		this.tracked = identity;
		Instant expiresAt = identity.expiresAt();
		if (expiresAt != null && !this.stopped) {
			long delay = Math.max(0, Duration.between(this.clock.instant(), expiresAt).toMillis());
			this.pending = this.timer.schedule(() -> this.owner.accept(this::check), delay, TimeUnit.MILLISECONDS);
		}
	}

	/** On the owner: ends the session if the identity expired, else waits on. */
	private void check() {
		if (this.stopped) {
			return;
		}
		Instant expiresAt = this.tracked.expiresAt();
		if (expiresAt != null && !this.clock.instant().isBefore(expiresAt)) {
			this.expired.run();
		}
		else {
			track(this.tracked);
		}
	}

	/**
	 * Validates a refreshed token: valid and for the same user, it becomes the session's
	 * identity and the timer moves; anything else ends the session.
	 */
	Identity refresh(Identity current, String token) throws StompViolation {
		if (current.isAnonymous()) {
			// a token would turn the session into a user it never proved to be at CONNECT
			throw new StompViolation(CloseReason.AUTHENTICATION_FAILED,
					"token refresh failed: an anonymous session has no token to refresh");
		}
		Identity refreshed;
		try {
			refreshed = this.authenticator.refresh(current, token);
		}
		catch (AuthenticationException ex) {
			throw new StompViolation(CloseReason.AUTHENTICATION_FAILED, "token refresh failed: " + ex.getMessage());
		}
		if (refreshed.isAnonymous() || !Objects.equals(refreshed.name(), current.name())) {
			throw new StompViolation(CloseReason.AUTHENTICATION_FAILED,
					"token refresh failed: the token names another user");
		}
		track(refreshed);
		return refreshed;
	}

	void stop() {
		this.stopped = true;
		cancelPending();
	}

	private void cancelPending() {
		if (this.pending != null) {
			this.pending.cancel(false);
			this.pending = null;
		}
	}

}
