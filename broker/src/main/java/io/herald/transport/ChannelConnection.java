package io.herald.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;
import io.herald.session.TransportConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What the Netty transports (WebSocket, TCP) share: one session on one channel, written
 * on the channel's event loop. A wake-up, from any thread and without blocking, schedules
 * one {@link #drain()}; the drain writes while the channel is writable and flushes once,
 * and when Netty reports the channel writable again, draining resumes. Frames that cannot
 * be written meanwhile wait in the session's bounded outbound buffer, where the
 * slow-consumer policy decides.
 */
public abstract class ChannelConnection extends ChannelInboundHandlerAdapter implements TransportConnection {

	protected final Channel channel;

	private final String remoteAddress;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/** Made once: a wake-up per delivery must not allocate. */
	private final Runnable drainTask = this::runDrain;

	private volatile Session session;

	protected ChannelConnection(Channel channel) {
		this.channel = channel;
		this.remoteAddress = clientAddress(channel);
	}

	/** A channel's peer as an IP address (no port), for logs and per-address limits. */
	public static String clientAddress(Channel channel) {
		return (channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null)
				? inet.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
	}

	/** Attaches the session and writes whatever it queued already. */
	public void bind(Session session) {
		this.session = session;
		wakeUp();
	}

	/** The session, once bound. */
	public Session session() {
		return this.session;
	}

	@Override
	public final void wakeUp() {
		if (this.session != null && this.scheduled.compareAndSet(false, true)) {
			this.channel.eventLoop().execute(this.drainTask);
		}
	}

	private void runDrain() {
		this.scheduled.set(false);
		drain();
	}

	/**
	 * Writes what the session queued, on the event loop, while the channel is writable,
	 * and flushes once; calls {@link #wakeUp()} if it stopped with frames left and the
	 * channel still writable.
	 */
	protected abstract void drain();

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			wakeUp();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public String remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Appends a frame to a buffer. Frames go out copied once into a pooled direct buffer:
	 * the copy the socket needs anyway (a heap or composite buffer would be copied into
	 * one by the transport), with no wrapper objects per frame.
	 */
	protected static ByteBuf copy(OutboundFrame frame, ByteBuf into) {
		return into.writeBytes(frame.head()).writeBytes(frame.tail());
	}

}
