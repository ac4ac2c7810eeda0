package io.herald.transport.tcp;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;
import io.herald.session.TransportConnection;

/**
 * One TCP client. Writes run on the channel's event loop: a wake-up schedules one drain,
 * which writes queued frames while the channel is writable and flushes once; when Netty
 * reports the channel writable again, draining resumes.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter implements TransportConnection {

	private static final int MAX_FRAMES_PER_DRAIN = 1024;

	private final Channel channel;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/** Made once: a wake-up per delivery must not allocate. */
	private final Runnable drainTask = this::drain;

	private final String remoteAddress;

	private volatile Session session;

	TcpConnection(Channel channel) {
		this.channel = channel;
		this.remoteAddress = (channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null)
				? inet.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
	}

	void bind(Session session) {
		this.session = session;
		wakeUp();
	}

	Session session() {
		return this.session;
	}

	@Override
	public void wakeUp() {
		if (this.session != null && this.scheduled.compareAndSet(false, true)) {
			this.channel.eventLoop().execute(this.drainTask);
		}
	}

	private void drain() {
		this.scheduled.set(false);
		Session current = this.session;
		if (!this.channel.isActive()) {
			return;
		}
		int written = 0;
		while (this.channel.isWritable() && written < MAX_FRAMES_PER_DRAIN) {
			OutboundFrame frame = current.outbound().poll();
			if (frame == null) {
				break;
			}
			this.channel.write(Unpooled.wrappedBuffer(frame.head(), frame.tail()));
			written++;
		}
		if (written > 0) {
			this.channel.flush();
		}
		if (current.outbound().isEmpty()) {
			if (current.outbound().isCloseWhenDrained()) {
				this.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
		}
		else if (this.channel.isWritable()) {
			wakeUp();
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
		if (ctx.channel().isWritable()) {
			wakeUp();
		}
		super.channelWritabilityChanged(ctx);
	}

	@Override
	public void close() {
		this.channel.close();
	}

	@Override
	public String kind() {
		return "tcp";
	}

	@Override
	public String remoteAddress() {
		return this.remoteAddress;
	}

}
