package io.herald.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node's open sessions, by id and counted per remote address, with the connection
 * limits checked as a session is admitted. Thread-safe; a session leaves when its release
 * has run.
 */
final class SessionRegistry {

	private final Map<String, Session> byId = new ConcurrentHashMap<>();

	private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

	private final AbuseLimits limits;

	private final ReentrantLock emptiness = new ReentrantLock();

	private final Condition empty = this.emptiness.newCondition();

	SessionRegistry(AbuseLimits limits) {
		this.limits = limits;
	}

	/**
	 * Registers a new session.
	 * @return why it must be refused (a connection limit), or {@code null}
	 */
	String admit(Session session) {
		this.byId.put(session.id(), session);
		int fromAddress = this.perAddress.merge(session.remoteAddress(), 1, Integer::sum);
		if (this.limits.maxConnections() > 0 && this.byId.size() > this.limits.maxConnections()) {
			return "connection refused: the broker exceeds the limit of " + this.limits.maxConnections()
					+ " connections";
		}
		if (this.limits.maxConnectionsPerAddress() > 0 && fromAddress > this.limits.maxConnectionsPerAddress()) {
			return "connection refused: address " + session.remoteAddress() + " exceeds the limit of "
					+ this.limits.maxConnectionsPerAddress() + " connections";
		}
		return null;
	}

	void remove(Session session) {
		if (this.byId.remove(session.id(), session)) {
			this.perAddress.computeIfPresent(session.remoteAddress(),
					(address, count) -> (count <= 1) ? null : count - 1);
			if (this.byId.isEmpty()) {
				this.emptiness.lock();
				try {
					this.empty.signalAll();
				}
				finally {
					this.emptiness.unlock();
				}
			}
		}
	}

	Session find(String id) {
		return this.byId.get(id);
	}

	List<Session> all() {
		return new ArrayList<>(this.byId.values());
	}

	int size() {
		return this.byId.size();
	}

	/**
	 * Waits until every session has left, at most the timeout.
	 * @return whether none is left
	 */
	boolean awaitEmpty(long timeoutMillis) throws InterruptedException {
		long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		this.emptiness.lock();
		try {
			while (!this.byId.isEmpty()) {
				if (left <= 0) {
					return false;
				}
				left = this.empty.awaitNanos(left);
			}
			return true;
		}
		finally {
			this.emptiness.unlock();
		}
	}

}
