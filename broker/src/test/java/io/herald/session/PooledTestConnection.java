package io.herald.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport for tests with real threads: the client writes on its own thread; the
 * broker's frames are drained on a writer pool, one drain at a time, as the WebSocket
 * transport does; closing tells the session on the pool, as a container would. A client
 * that does not {@link #reads() read} still takes its last frame once the session is
 * sealed.
 */
abstract class PooledTestConnection implements TransportConnection {

	private final ExecutorService writers;

	private final AtomicBoolean draining = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	volatile Session session;

	PooledTestConnection(ExecutorService writers) {
		this.writers = writers;
	}

	void bind(Session session) {
		this.session = session;
		wakeUp();
	}

	/** The client writes: one thread per connection, as the transports guarantee. */
	void write(String frame) {
		this.session.onBytes(ByteBuffer.wrap(frame.getBytes(StandardCharsets.UTF_8)));
	}

	/** Whether the client reads what the broker writes. */
	boolean reads() {
		return true;
	}

	/** One frame the broker wrote, on a writer thread. */
	abstract void received(OutboundFrame frame);

	@Override
	public void wakeUp() {
		if (this.session != null && !this.closed.get() && this.draining.compareAndSet(false, true)) {
			this.writers.execute(this::drain);
		}
	}

	private void drain() {
		Outbound outbound = this.session.outbound();
		if (reads() || outbound.isSealed()) {
			OutboundFrame frame;
			while (!this.closed.get() && (frame = outbound.poll()) != null) {
				received(frame);
			}
			if (outbound.isCloseWhenDrained()) {
				close();
			}
		}
		this.draining.set(false);
		if (reads() && !outbound.isEmpty()) {
			wakeUp();
		}
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.writers.execute(this.session::onTransportClosed);
		}
	}

	boolean isClosed() {
		return this.closed.get();
	}

	@Override
	public String remoteAddress() {
		return "192.0.2.1";
	}

}
