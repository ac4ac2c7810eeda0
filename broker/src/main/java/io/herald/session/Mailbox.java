package io.herald.session;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The single owner of one session's state (Aeron's single-writer rule, without a thread
 * per session): whoever holds the mailbox runs session code, one task at a time, and
 * every other thread posts a command instead of touching the state.
 *
 * <p>
 * Design. {@link #pending} counts tasks posted and not yet run, plus one for a task run
 * in place; the thread that moves it from zero owns the mailbox until it brings it back
 * to zero, and runs everything posted meanwhile before letting go. The transport's thread
 * runs inbound bytes in place when the mailbox is free ({@link #runBytes}), so the common
 * case costs one compare-and-set and no copy; only when another thread owns the session
 * at that moment (a timer tick, a close) are the bytes copied and posted behind it, in
 * order. Commands from other threads ({@link #post}) never run on the poster's thread: a
 * publisher that finds a slow consumer may hold routing locks, so the close it asks for
 * runs on the broker's executor.
 *
 * <p>
 * Posting happens-before running (the queue and the counter are both atomic), so state
 * written by one owner is visible to the next, and fields owned here need no locks.
 */
final class Mailbox {

	private static final System.Logger LOGGER = System.getLogger(Mailbox.class.getName());

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pending = new AtomicInteger();

	private final Executor executor;

	/** The thread running session code now, for {@link #isOwner()}; else {@code null}. */
	private volatile Thread owner;

	/**
	 * @param executor where posted commands run when nobody owns the session
	 */
	Mailbox(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Hands bytes read from the connection to the session: at once on this thread if the
	 * mailbox is free, else a copy behind what runs now.
	 */
	void runBytes(ByteBuffer bytes, Consumer<ByteBuffer> handler) {
		if (this.pending.compareAndSet(0, 1)) {
			runOwned(() -> handler.accept(bytes));
			return;
		}
		ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
		copy.put(bytes).flip();
		post(() -> handler.accept(copy));
	}

	/** Runs the task on this thread if the mailbox is free, else posts it. */
	void runOrPost(Runnable task) {
		if (this.pending.compareAndSet(0, 1)) {
			runOwned(task);
		}
		else {
			post(task);
		}
	}

	/** Queues a command; it runs after everything posted before it. Any thread. */
	void post(Runnable task) {
		this.tasks.add(task);
		if (this.pending.getAndIncrement() == 0) {
			try {
				this.executor.execute(() -> runOwned(null));
			}
			catch (RejectedExecutionException ex) {
				// the executor stopped with the broker: run here rather than lose a close
				runOwned(null);
			}
		}
	}

	/** Whether the calling thread owns the session now. */
	boolean isOwner() {
		return this.owner == Thread.currentThread();
	}

	/**
	 * Runs {@code first}, if any, then every posted task until none is left. The caller
	 * moved {@link #pending} from zero; each post adds one more signal, and the loop ends
	 * only when it has taken back every signal it saw after finding the queue empty.
	 */
	private void runOwned(Runnable first) {
		this.owner = Thread.currentThread();
		if (first != null) {
			runSafely(first);
		}
		int missed = 1;
		while (true) {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				runSafely(task);
			}
			this.owner = null;
			missed = this.pending.addAndGet(-missed);
			if (missed == 0) {
				return;
			}
			this.owner = Thread.currentThread();
		}
	}

	private static void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			// a bug in one command must not wedge the session's mailbox for good
			LOGGER.log(System.Logger.Level.ERROR, "session task failed", ex);
		}
	}

}
