package io.herald.transport;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * What Herald asks of the kernel for every client socket.
 */
public final class Sockets {

	/**
	 * Most bytes the kernel keeps written but not yet sent on a client socket
	 * ({@code TCP_NOTSENT_LOWAT}, Linux with epoll). Without it the kernel's send buffer
	 * grows to megabytes for a slow reader and hides its backlog from the broker: a
	 * conflating subscriber would get values seconds old, and the outbound buffer's bound
	 * would mean little. With it, what a client cannot take waits in its outbound buffer,
	 * where the slow-consumer policy sees it; what is in flight on the network is not
	 * limited.
	 */
	public static final int MAX_UNSENT_BYTES = 16 * 1024;

	/**
	 * Netty's own write queue per client channel: the channel stops being writable above
	 * the high mark, so that Herald's outbound buffer, not Netty's, holds the backlog.
	 */
	static final WriteBufferWaterMark WRITE_QUEUE = new WriteBufferWaterMark(16 * 1024, 32 * 1024);

	private Sockets() {
	}

	/** Sets the options on a newly accepted client channel. */
	public static void configure(Channel channel) {
		channel.config().setWriteBufferWaterMark(WRITE_QUEUE);
		if (channel instanceof EpollSocketChannel) {
			channel.config().setOption(EpollChannelOption.TCP_NOTSENT_LOWAT, (long) MAX_UNSENT_BYTES);
		}
	}

}
