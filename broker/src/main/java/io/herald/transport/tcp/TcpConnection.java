package io.herald.transport.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

import io.herald.session.OutboundFrame;
import io.herald.session.Session;
import io.herald.transport.ChannelConnection;

/**
 * One TCP client: each drain writes what the session queued, one pooled direct buffer a
 * frame, while the channel is writable, and flushes once.
 */
final class TcpConnection extends ChannelConnection {

	private static final int MAX_FRAMES_PER_DRAIN = 1024;

	TcpConnection(Channel channel) {
		super(channel);
	}

	@Override
	protected void drain() {
		Session current = session();
		if (!this.channel.isActive()) {
			return;
		}
		int written = 0;
		while (this.channel.isWritable() && written < MAX_FRAMES_PER_DRAIN) {
			OutboundFrame frame = current.outbound().poll();
			if (frame == null) {
				break;
			}
			this.channel.write(copy(frame, this.channel.alloc().directBuffer(frame.length())),
					this.channel.voidPromise());
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
	public void close() {
		this.channel.close();
	}

	@Override
	public String kind() {
		return "tcp";
	}

}
