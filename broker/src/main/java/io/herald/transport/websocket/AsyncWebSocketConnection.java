package io.herald.transport.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;

import org.springframework.web.socket.WebSocketSession;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;

/**
 * Writes a session's outbound frames through the container's asynchronous endpoint, text
 * frames queued together batched into one WebSocket message, one message in flight at a
 * time (the Jakarta API forbids more). The completion of one write starts the next, so no
 * thread ever waits for a slow client: while it does not read, frames pile up in the
 * bounded {@link io.herald.session.Outbound} until the slow-consumer policy ends the
 * session.
 *
 * <p>
 * Containers may complete a write inline, inside {@code sendText}, or on another thread
 * before {@code sendText} returns; the drain loop detects both and iterates instead of
 * recursing, so a long queue cannot overflow the stack and two drains never overlap.
 */
final class AsyncWebSocketConnection extends WebSocketConnection implements SendHandler {

	/**
	 * Tomcat's bound on blocking sends, which its close handshake uses: a client that
	 * stopped reading must not hold a closing thread for the default 20 s.
	 */
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final long CLOSE_SEND_TIMEOUT_MILLIS = 2_000;

	private final RemoteEndpoint.Async remote;

	/** Most bytes of text frames sent together in one WebSocket message. */
	static final int BATCH_BYTES = 16 * 1024;

	private final AtomicBoolean writing = new AtomicBoolean();

	/**
	 * A batch is assembled and copied into its String on one thread, so one buffer per
	 * writing thread serves every connection: nothing is held per idle connection.
	 */
	private static final ThreadLocal<ByteArrayOutputStream> BATCHES = ThreadLocal
		.withInitial(() -> new ByteArrayOutputStream(BATCH_BYTES));

	/** A frame polled for a batch it did not fit, sent next. */
	private volatile OutboundFrame held;

	private static final int SENDING = 0;

	private static final int COMPLETED = 1;

	private static final int AWAITING = 2;

	/** Where the message in flight is: being sent, completed during send, or awaited. */
	private final AtomicInteger sendState = new AtomicInteger(AWAITING);

	private volatile boolean failed;

	AsyncWebSocketConnection(WebSocketSession webSocket, jakarta.websocket.Session nativeSession, Executor executor) {
		super(webSocket, executor);
		this.remote = nativeSession.getAsyncRemote();
		nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, CLOSE_SEND_TIMEOUT_MILLIS);
	}

	/**
	 * Schedules a drain on the writer executor rather than writing on the caller's
	 * thread: a publisher fanning out to many sessions only enqueues, and each session's
	 * writer then finds whatever has queued meanwhile and sends it as one batch.
	 */
	@Override
	public void wakeUp() {
		if (isWritable() && this.writing.compareAndSet(false, true)) {
			try {
				this.executor.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				// shutting down: nothing more goes out
				this.writing.set(false);
			}
		}
	}

	private void drain() {
		Session session = session();
		while (true) {
			OutboundFrame frame = next(session);
			if (frame == null) {
				if (session.outbound().isCloseWhenDrained()) {
					close();
				}
				this.writing.set(false);
				if (session.outbound().isEmpty() || !this.writing.compareAndSet(false, true)) {
					return;
				}
				continue;
			}
			this.sendState.set(SENDING);
			try {
				send(session, frame);
			}
			catch (RuntimeException ex) {
				// the container refuses writes on a closing connection
				this.writing.set(false);
				close();
				return;
			}
			if (this.sendState.compareAndSet(SENDING, AWAITING)) {
				// still in flight: its completion continues the drain
				return;
			}
			// completed during send: continue here, iterating instead of recursing
			if (this.failed) {
				this.writing.set(false);
				return;
			}
		}
	}

	/** The frame a batch left over, else the next queued one. */
	private OutboundFrame next(Session session) {
		OutboundFrame frame = this.held;
		if (frame != null) {
			this.held = null;
			return frame;
		}
		return session.outbound().poll();
	}

	/**
	 * Sends one frame, or, when more text frames are already queued, as many of them as
	 * fit {@value #BATCH_BYTES} bytes in one text message: a client reads a WebSocket
	 * message as a stream of NUL-terminated frames, and under fan-out load the cost of a
	 * message (container bookkeeping, a write call, a WebSocket header) is paid once for
	 * the batch. A binary frame always travels alone.
	 */
	private void send(Session session, OutboundFrame frame) {
		if (frame.binary()) {
			this.remote.sendBinary(ByteBuffer.wrap(frame.toByteArray()), this);
			return;
		}
		OutboundFrame more = session.outbound().poll();
		if (more == null || more.binary() || frame.length() + more.length() > BATCH_BYTES) {
			this.held = more;
			this.remote.sendText(new String(frame.toByteArray(), StandardCharsets.UTF_8), this);
			return;
		}
		ByteArrayOutputStream batch = BATCHES.get();
		batch.reset();
		append(batch, frame);
		while (more != null && !more.binary() && batch.size() + more.length() <= BATCH_BYTES) {
			append(batch, more);
			more = session.outbound().poll();
		}
		this.held = more;
		this.remote.sendText(batch.toString(StandardCharsets.UTF_8), this);
	}

	private static void append(ByteArrayOutputStream batch, OutboundFrame frame) {
		batch.writeBytes(frame.head());
		batch.writeBytes(frame.tail());
	}

	/**
	 * Exactly one of the sending thread (when {@code send} returns) and the completion
	 * (here) continues the drain: whichever moves {@link #sendState} second. So two
	 * drains never run at once, whatever thread the container completes on.
	 */
	@Override
	public void onResult(SendResult result) {
		if (!result.isOK()) {
			this.failed = true;
			close();
		}
		if (this.sendState.compareAndSet(SENDING, COMPLETED)) {
			return;
		}
		if (this.failed) {
			this.writing.set(false);
			return;
		}
		drain();
	}

}
