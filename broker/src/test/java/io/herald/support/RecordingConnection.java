package io.herald.support;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.herald.protocol.Frame;
import io.herald.protocol.FrameDecoder;
import io.herald.protocol.FrameDecodingException;
import io.herald.protocol.FrameLimits;
import io.herald.protocol.StompVersion;
import io.herald.session.OutboundFrame;
import io.herald.session.Session;
import io.herald.session.TransportConnection;

/**
 * A transport for tests: drains the session's outbound buffer on every wake-up (unless
 * {@link #stall() stalled}, like a client that stopped reading), decodes what the broker
 * wrote with the project's {@link FrameDecoder}, and lets the test push inbound bytes.
 * Closing follows the real transports: once the buffer is drained after an ERROR or a
 * DISCONNECT the connection closes and tells the session.
 */
public final class RecordingConnection implements TransportConnection {

	private static final FrameLimits GENEROUS = new FrameLimits(64 * 1024 * 1024, 1024 * 1024, 10_000);

	private final String remoteAddress;

	private final String handshakeToken;

	private final FrameDecoder decoder = new FrameDecoder(GENEROUS);

	private final List<Received> received = new ArrayList<>();

	private Session session;

	private boolean stalled;

	private boolean closed;

	private int heartBeats;

	public RecordingConnection(String remoteAddress, String handshakeToken) {
		this.remoteAddress = remoteAddress;
		this.handshakeToken = handshakeToken;
	}

	/** Attaches the session the broker opened for this connection and drains it. */
	public void bind(Session session) {
		this.session = session;
		wakeUp();
	}

	public Session session() {
		return this.session;
	}

	/** Decodes outbound frames as the given version escapes them. */
	public void decodeAs(StompVersion version) {
		this.decoder.setVersion(version);
	}

	/** Stops reading, as a client whose socket buffer is full. */
	public void stall() {
		this.stalled = true;
	}

	/** Reads again and drains what is waiting. */
	public void resume() {
		this.stalled = false;
		wakeUp();
	}

	/** Pushes bytes the client wrote. */
	public void push(byte[] bytes) {
		this.session.onBytes(ByteBuffer.wrap(bytes));
	}

	/** The client closed the socket. */
	public void clientClose() {
		this.closed = true;
		this.session.onTransportClosed();
	}

	@Override
	public void wakeUp() {
		if (this.session != null && !this.stalled && !this.closed) {
			drain();
		}
	}

	private void drain() {
		OutboundFrame frame;
		while ((frame = this.session.outbound().poll()) != null) {
			record(frame);
		}
		if (this.session.outbound().isCloseWhenDrained()) {
			close();
		}
	}

	private void record(OutboundFrame frame) {
		byte[] bytes = frame.toByteArray();
		if (bytes.length == 1 && bytes[0] == '\n') {
			this.heartBeats++;
			return;
		}
		List<Frame> decoded = new ArrayList<>();
		try {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			this.decoder.decode(buffer, decoded::add);
			if (buffer.hasRemaining()) {
				throw new AssertionError("broker wrote bytes the decoder left unread");
			}
		}
		catch (FrameDecodingException ex) {
			throw new AssertionError("broker wrote a frame that does not decode: " + ex.getMessage(), ex);
		}
		if (decoded.size() != 1) {
			throw new AssertionError("an outbound frame must hold exactly one STOMP frame, held " + decoded.size());
		}
		this.received.add(new Received(decoded.get(0), frame.binary()));
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			if (this.session != null) {
				this.session.onTransportClosed();
			}
		}
	}

	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public String remoteAddress() {
		return this.remoteAddress;
	}

	@Override
	public String handshakeToken() {
		return this.handshakeToken;
	}

	/** Every frame received so far, heart-beats excluded. */
	public List<Received> received() {
		return List.copyOf(this.received);
	}

	public int heartBeats() {
		return this.heartBeats;
	}

	/**
	 * One frame the broker wrote.
	 *
	 * @param frame the decoded frame
	 * @param binary whether the transport was asked to send it as binary
	 */
	public record Received(Frame frame, boolean binary) {
	}

}
