package io.herald.routing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What became of a published message.
 *
 * @param accepted whether the router took the message
 * @param receivers how many subscribers it was handed to (queue messages: 0 or 1, as they
 * may wait in the buffer)
 * @param refusal why it was refused, when not accepted
 * @param stored completes with {@code null} once the message is kept where it goes (at
 * once, but for a cluster queue's message, which RabbitMQ confirms later), or with why it
 * was not
 */
public record PublishResult(boolean accepted, int receivers, String refusal, CompletionStage<String> stored) {

	/**
	 * How long a caller waits at most for {@link #stored()}: beyond the cluster link's
	 * own bound, which answers first.
	 */
	public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(15);

	/** Kept at once. */
	static final CompletionStage<String> STORED = CompletableFuture.completedStage(null);

	public PublishResult(boolean accepted, int receivers, String refusal) {
		this(accepted, receivers, refusal, STORED);
	}

	/**
	 * A SEND whose idempotency key was seen within the window: accepted (its RECEIPT is
	 * sent) and not routed again.
	 */
	static final PublishResult DUPLICATE = new PublishResult(true, 0, null);

	/**
	 * Whether the message was a retry within its idempotency window, not routed again.
	 */
	public boolean isDuplicate() {
		return this == DUPLICATE;
	}

	static PublishResult delivered(int receivers) {
		return new PublishResult(true, receivers, null);
	}

	/** Hands a message to each subscriber; those that refuse it are not counted. */
	static PublishResult fanOut(Subscriber[] subscribers, Message message) {
		int delivered = 0;
		for (Subscriber subscriber : subscribers) {
			if (subscriber.deliver(message, false)) {
				delivered++;
			}
		}
		return delivered(delivered);
	}

	/** Whether the message waits for a confirmation ({@link #stored()}) yet. */
	public boolean isPending() {
		return this.stored != STORED;
	}

	/**
	 * Waits for {@link #stored()}, for a caller that answers only once the message is
	 * kept (the HTTP publish API, the Spring template).
	 * @return {@code null} once stored, or why not (refused, or not confirmed within
	 * {@link #CONFIRM_TIMEOUT})
	 */
	public String awaitStored() {
		if (!isPending()) {
			return null;
		}
		try {
			return this.stored.toCompletableFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return "not confirmed within " + CONFIRM_TIMEOUT.toMillis() + " ms: the message may or may not be stored";
		}
		catch (ExecutionException ex) {
			return "not stored: " + ex.getCause().getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted while waiting for its confirmation: the message may or may not be stored";
		}
	}

	/** Taken, to be confirmed by {@code stored}. */
	static PublishResult pending(CompletionStage<String> stored) {
		return new PublishResult(true, 0, null, stored);
	}

	static PublishResult refused(String reason) {
		return new PublishResult(false, 0, reason);
	}

}
