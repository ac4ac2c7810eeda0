package io.herald.bench.targets;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The least STOMP 1.2 the bench needs, straight off WebSocket messages (one or more
 * frames per message, EOL heart-beats skipped). CONNECT/STOMP is answered with CONNECTED
 * without heart-beating, any frame with a {@code receipt} header gets a RECEIPT,
 * SUBSCRIBE and UNSUBSCRIBE maintain the destination map, SEND fans out. ACK, NACK and
 * transactions are accepted and ignored. Header values are used as sent (no unescaping):
 * the bench never escapes destinations or subscription ids.
 *
 * <p>
 * A SEND is encoded once: its header lines are copied verbatim (already escaped by the
 * client) except {@code receipt} and {@code transaction}, a {@code message-id} is added,
 * then the body. Each subscriber only prepends its own {@code subscription} line.
 */
final class CeilingStompHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

	private static final byte[] DESTINATION = ascii("destination:");

	private static final byte[] ID = ascii("id:");

	private static final byte[] RECEIPT = ascii("receipt:");

	private static final byte[] TRANSACTION = ascii("transaction:");

	private static final byte[] CONTENT_LENGTH = ascii("content-length:");

	private static final byte[] ACCEPT_VERSION = ascii("accept-version:");

	private final Map<String, CopyOnWriteArrayList<CeilingSubscription>> destinations;

	private CeilingConnection connection;

	/** Header line bounds of the frame being handled: [start, end) without the EOL. */
	private int[] headerStarts = new int[16];

	private int[] headerEnds = new int[16];

	private int headerCount;

	CeilingStompHandler(Map<String, CopyOnWriteArrayList<CeilingSubscription>> destinations) {
		this.destinations = destinations;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		this.connection = new CeilingConnection(ctx.channel());
		super.channelActive(ctx);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		for (CeilingSubscription subscription : this.connection.subscriptions().values()) {
			unlink(subscription);
		}
		this.connection.subscriptions().clear();
		super.channelInactive(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		// The ceiling keeps nothing to recover: drop the connection.
		ctx.close();
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame message) {
		if (!(message instanceof TextWebSocketFrame) && !(message instanceof BinaryWebSocketFrame)) {
			return;
		}
		this.connection.binary(message instanceof BinaryWebSocketFrame);
		ByteBuf in = message.content();
		while (true) {
			while (in.isReadable() && isEol(in.getByte(in.readerIndex()))) {
				in.skipBytes(1);
			}
			if (!in.isReadable()) {
				return;
			}
			String problem = handleFrame(ctx, in);
			if (problem != null) {
				sendError(ctx, problem);
				return;
			}
		}
	}

	/** Parses and handles one frame; returns a problem description or {@code null}. */
	private String handleFrame(ChannelHandlerContext ctx, ByteBuf in) {
		int end = in.writerIndex();
		int commandEnd = in.indexOf(in.readerIndex(), end, (byte) '\n');
		if (commandEnd < 0) {
			return "frame without command line";
		}
		String command = text(in, in.readerIndex(), trimCr(in, in.readerIndex(), commandEnd));
		this.headerCount = 0;
		int lineStart = commandEnd + 1;
		int bodyStart;
		while (true) {
			int lineEnd = in.indexOf(lineStart, end, (byte) '\n');
			if (lineEnd < 0) {
				return "unterminated headers";
			}
			int contentEnd = trimCr(in, lineStart, lineEnd);
			if (contentEnd == lineStart) {
				bodyStart = lineEnd + 1;
				break;
			}
			addHeader(lineStart, contentEnd);
			lineStart = lineEnd + 1;
		}
		int bodyEnd;
		String contentLength = header(in, CONTENT_LENGTH);
		if (contentLength != null) {
			try {
				bodyEnd = bodyStart + Integer.parseInt(contentLength.trim());
			}
			catch (NumberFormatException ex) {
				return "bad content-length";
			}
			if (bodyEnd < bodyStart || bodyEnd >= end || in.getByte(bodyEnd) != 0) {
				return "body does not match content-length";
			}
		}
		else {
			bodyEnd = in.indexOf(bodyStart, end, (byte) 0);
			if (bodyEnd < 0) {
				return "frame without NUL terminator";
			}
		}
		String problem = dispatch(ctx, command, in, bodyStart, bodyEnd);
		in.readerIndex(bodyEnd + 1);
		return problem;
	}

	private String dispatch(ChannelHandlerContext ctx, String command, ByteBuf in, int bodyStart, int bodyEnd) {
		switch (command) {
			case "SEND" -> {
				String destination = header(in, DESTINATION);
				if (destination == null) {
					return "SEND without destination";
				}
				fanOut(ctx, destination, in, bodyStart, bodyEnd);
			}
			case "SUBSCRIBE" -> {
				String destination = header(in, DESTINATION);
				String id = header(in, ID);
				if (destination == null || id == null) {
					return "SUBSCRIBE needs destination and id";
				}
				CeilingSubscription subscription = new CeilingSubscription(this.connection, id, destination);
				CeilingSubscription previous = this.connection.subscriptions().put(id, subscription);
				if (previous != null) {
					unlink(previous);
				}
				this.destinations.compute(destination, (key, list) -> {
					CopyOnWriteArrayList<CeilingSubscription> subscribers = (list != null) ? list
							: new CopyOnWriteArrayList<>();
					subscribers.add(subscription);
					return subscribers;
				});
			}
			case "UNSUBSCRIBE" -> {
				String id = header(in, ID);
				CeilingSubscription subscription = (id != null) ? this.connection.subscriptions().remove(id) : null;
				if (subscription != null) {
					unlink(subscription);
				}
			}
			case "CONNECT", "STOMP" -> {
				String accept = header(in, ACCEPT_VERSION);
				String version = (accept == null || accept.contains("1.2")) ? "1.2"
						: accept.contains("1.1") ? "1.1" : "1.0";
				sendText("CONNECTED\nversion:" + version + "\nheart-beat:0,0\nserver:herald-bench-ceiling\n\n\0");
			}
			case "DISCONNECT", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT" -> {
				// nothing to do beyond the receipt
			}
			default -> {
				return "unknown command " + command;
			}
		}
		String receipt = header(in, RECEIPT);
		if (receipt != null) {
			sendText("RECEIPT\nreceipt-id:" + receipt + "\n\n\0");
		}
		return null;
	}

	private void fanOut(ChannelHandlerContext ctx, String destination, ByteBuf in, int bodyStart, int bodyEnd) {
		CopyOnWriteArrayList<CeilingSubscription> subscribers = this.destinations.get(destination);
		if (subscribers == null || subscribers.isEmpty()) {
			return;
		}
		ByteBuf tail = ctx.alloc().directBuffer(bodyEnd - in.readerIndex() + 48);
		try {
			for (int i = 0; i < this.headerCount; i++) {
				int start = this.headerStarts[i];
				if (startsWith(in, start, RECEIPT) || startsWith(in, start, TRANSACTION)) {
					continue;
				}
				tail.writeBytes(in, start, this.headerEnds[i] - start).writeByte('\n');
			}
			tail.writeCharSequence("message-id:" + ctx.channel().id().asShortText() + '-'
					+ this.connection.nextMessageSequence() + "\n\n", StandardCharsets.US_ASCII);
			tail.writeBytes(in, bodyStart, bodyEnd - bodyStart).writeByte(0);
			for (CeilingSubscription subscription : subscribers) {
				subscription.deliver(tail);
			}
		}
		finally {
			tail.release();
		}
	}

	private void sendText(String frame) {
		ByteBuf payload = this.connection.channel().alloc().buffer(frame.length());
		payload.writeCharSequence(frame, StandardCharsets.UTF_8);
		this.connection.send(payload);
	}

	private void sendError(ChannelHandlerContext ctx, String problem) {
		ByteBuf error = ctx.alloc().buffer();
		error.writeCharSequence("ERROR\nmessage:" + problem + "\n\n\0", StandardCharsets.UTF_8);
		ctx.writeAndFlush(new TextWebSocketFrame(error)).addListener(ChannelFutureListener.CLOSE);
	}

	private void unlink(CeilingSubscription subscription) {
		this.destinations.computeIfPresent(subscription.destination(), (destination, list) -> {
			list.remove(subscription);
			return list.isEmpty() ? null : list;
		});
	}

	private void addHeader(int start, int end) {
		if (this.headerCount == this.headerStarts.length) {
			this.headerStarts = Arrays.copyOf(this.headerStarts, this.headerCount * 2);
			this.headerEnds = Arrays.copyOf(this.headerEnds, this.headerCount * 2);
		}
		this.headerStarts[this.headerCount] = start;
		this.headerEnds[this.headerCount] = end;
		this.headerCount++;
	}

	/** The value of the first header with the given {@code name:} prefix, or null. */
	private String header(ByteBuf in, byte[] namePrefix) {
		for (int i = 0; i < this.headerCount; i++) {
			int start = this.headerStarts[i];
			if (startsWith(in, start, namePrefix)) {
				return text(in, start + namePrefix.length, this.headerEnds[i]);
			}
		}
		return null;
	}

	private boolean startsWith(ByteBuf in, int start, byte[] prefix) {
		if (in.writerIndex() - start < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (in.getByte(start + i) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static String text(ByteBuf in, int start, int end) {
		return in.toString(start, end - start, StandardCharsets.UTF_8);
	}

	private static int trimCr(ByteBuf in, int start, int lineEnd) {
		return (lineEnd > start && in.getByte(lineEnd - 1) == '\r') ? lineEnd - 1 : lineEnd;
	}

	private static boolean isEol(byte b) {
		return b == '\n' || b == '\r';
	}

	private static byte[] ascii(String s) {
		return s.getBytes(StandardCharsets.US_ASCII);
	}

}
