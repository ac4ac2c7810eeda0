package io.herald.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} driven by hand, with the monotonic and the wall
 * clock it runs against: nothing runs until the test {@link #advance advances} time (or
 * asks for {@link #runDue() what is due now}), and then due tasks run on the test's
 * thread, earliest first, in submission order for equal times, with the clocks set to
 * each task's due time. Heart-beats, timeouts and expiry are tested without sleeping. Not
 * thread-safe: one test thread drives it.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	/** Where the wall clock starts: an arbitrary, fixed instant. */
	public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

	private final List<Task<?>> tasks = new ArrayList<>();

	private long nanos = 1_000_000_000L;

	private final long startNanos = this.nanos;

	private long sequence;

	private boolean shutdown;

	/** Monotonic time, for {@code LongSupplier nanoClock}. */
	public long nanoTime() {
		return this.nanos;
	}

	/** The wall clock, moving with {@link #nanoTime()}. */
	public Clock clock() {
		return new ManualClock();
	}

	public Instant now() {
		return EPOCH.plusNanos(this.nanos - this.startNanos);
	}

	/** Runs every task due at the current time, including ones those tasks submit. */
	public void runDue() {
		advance(Duration.ZERO);
	}

	public void advanceMillis(long millis) {
		advance(Duration.ofMillis(millis));
	}

	/**
	 * Moves time forward, running each task when its due time is reached; periodic tasks
	 * run as many times as their period fits.
	 */
	public void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("time only moves forward, got " + duration);
		}
		long target = this.nanos + duration.toNanos();
		Task<?> next;
		while ((next = nextDue(target)) != null) {
			this.tasks.remove(next);
			this.nanos = Math.max(this.nanos, next.dueNanos);
			next.run();
		}
		this.nanos = target;
	}

	/** Tasks waiting to run, cancelled ones excluded. */
	public int pendingTasks() {
		return (int) this.tasks.stream().filter((task) -> !task.isCancelled()).count();
	}

	private Task<?> nextDue(long target) {
		this.tasks.removeIf(Task::isCancelled);
		return this.tasks.stream()
			.filter((task) -> task.dueNanos <= target)
			.min(Comparator.comparingLong((Task<?> task) -> task.dueNanos).thenComparingLong((task) -> task.sequence))
			.orElse(null);
	}

	private <V> Task<V> add(Callable<V> callable, long delayNanos, long periodNanos) {
		if (this.shutdown) {
			throw new java.util.concurrent.RejectedExecutionException("scheduler is shut down");
		}
		Task<V> task = new Task<>(callable, this.nanos + Math.max(0, delayNanos), periodNanos, this.sequence++);
		this.tasks.add(task);
		return task;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		return add(() -> {
			command.run();
			return null;
		}, unit.toNanos(delay), 0);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		return add(callable, unit.toNanos(delay), 0);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		return periodic(command, initialDelay, period, unit);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		return periodic(command, initialDelay, delay, unit);
	}

	private ScheduledFuture<?> periodic(Runnable command, long initialDelay, long period, TimeUnit unit) {
		if (period <= 0) {
			throw new IllegalArgumentException("period must be positive, was " + period);
		}
		return add(() -> {
			command.run();
			return null;
		}, unit.toNanos(initialDelay), unit.toNanos(period));
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
	}

	@Override
	public List<Runnable> shutdownNow() {
		this.shutdown = true;
		this.tasks.clear();
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.shutdown && this.tasks.isEmpty();
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isTerminated();
	}

	private final class Task<V> implements ScheduledFuture<V> {

		private final Callable<V> callable;

		private final long periodNanos;

		private final long sequence;

		private long dueNanos;

		private boolean cancelled;

		private boolean done;

		private V result;

		private Throwable failure;

		Task(Callable<V> callable, long dueNanos, long periodNanos, long sequence) {
			this.callable = callable;
			this.dueNanos = dueNanos;
			this.periodNanos = periodNanos;
			this.sequence = sequence;
		}

		void run() {
			try {
				this.result = this.callable.call();
			}
			catch (Exception ex) {
				// a scheduled task that throws would be silently dropped by a real
				// executor; a test must hear about it
				this.failure = ex;
				this.done = true;
				throw new AssertionError("scheduled task failed", ex);
			}
			if (this.periodNanos > 0 && !this.cancelled) {
				this.dueNanos += this.periodNanos;
				ManualScheduler.this.tasks.add(this);
			}
			else {
				this.done = true;
			}
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.dueNanos - ManualScheduler.this.nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			if (this.done) {
				return false;
			}
			this.cancelled = true;
			this.done = true;
			return true;
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.done;
		}

		@Override
		public V get() throws ExecutionException {
			if (this.cancelled) {
				throw new CancellationException();
			}
			if (this.failure != null) {
				throw new ExecutionException(this.failure);
			}
			if (!this.done) {
				throw new IllegalStateException("a manual scheduler's task completes only when time is advanced");
			}
			return this.result;
		}

		@Override
		public V get(long timeout, TimeUnit unit) throws ExecutionException {
			return get();
		}

	}

	private final class ManualClock extends Clock {

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException("the manual clock is UTC only");
		}

		@Override
		public Instant instant() {
			return now();
		}

	}

}
