package io.herald.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One STOMP-over-WebSocket client connection, the last handler of its pipeline. It sends
 * CONNECT once the WebSocket handshake is done, then its SUBSCRIBE frames (a receipt on
 * the last), and parses only what it must of each inbound frame: the command, the
 * {@code receipt-id} of a RECEIPT, and the fixed-layout body of a MESSAGE
 * ({@link MessageBody}).
 *
 * <p>
 * Every connection of a run lives on the same single event loop thread, so nothing here
 * is synchronized; the {@link Load} reads the counters on that thread too.
 */
final class StompConnection extends ChannelInboundHandlerAdapter {

	private final Load load;

	private final int index;

	private final List<String> subscriptions = new ArrayList<>();

	private final List<String> ackModes = new ArrayList<>();

	StreamTracker tracker = new StreamTracker();

	/** Extra header lines of each SUBSCRIBE, such as {@code x-herald-since:E:N\n}. */
	private final List<String> subscribeHeaders = new ArrayList<>();

	/** Whether to read the {@code x-herald-epoch} of the first MESSAGE (resume). */
	boolean readsEpoch;

	/** The epoch of the topic's history, as the first MESSAGE said it. */
	String epoch;

	private Channel channel;

	private boolean connected;

	private boolean ready;

	/** Only subscribers whose deliveries count towards a scenario's figures. */
	boolean counted = true;

	/**
	 * A subscriber reading at a tenth of the rate (conflation): its deliveries' age is
	 * its staleness.
	 */
	boolean slowReader;

	/**
	 * Connected to the second node of a cluster (the cluster scenario): its deliveries'
	 * latency is kept apart, as the slow readers' is.
	 */
	boolean remote;

	/** Bytes of the WebSocket frames received. */
	long bytesRead;

	/** Set before the generator itself ends the connection, so it is not a drop. */
	boolean leaving;

	/** A connection the broker is expected to close (the slow consumer of soak). */
	boolean dropExpected;

	/**
	 * Set for a queue consumer: its MESSAGE frames go to the ledger, not the tracker.
	 */
	private QueueLedger queue;

	private boolean acking;

	private boolean closeOnReceipt;

	private final List<String> unacked = new ArrayList<>();

	StompConnection(Load load, int index) {
		this.load = load;
		this.index = index;
	}

	int index() {
		return this.index;
	}

	Channel channel() {
		return this.channel;
	}

	boolean isReady() {
		return this.ready;
	}

	void subscribe(String destination, int... streams) {
		this.subscriptions.add(destination);
		this.ackModes.add("auto");
		this.subscribeHeaders.add("");
		for (int stream : streams) {
			this.tracker.expect(stream);
		}
	}

	/**
	 * Makes this connection one competing consumer of a queue (its only subscription, id
	 * 0) in {@code client-individual} mode; what it receives goes to {@code ledger}, and
	 * it acknowledges only when {@link #flushAcks()} is called.
	 */
	void consume(String queueDestination, QueueLedger ledger) {
		this.subscriptions.add(queueDestination);
		this.ackModes.add("client-individual");
		this.subscribeHeaders.add("");
		this.queue = ledger;
		this.acking = true;
	}

	/**
	 * Takes over from a subscriber that was dropped: the same stream tracker (so loss,
	 * duplicates and order are judged across the drop), subscribing with
	 * {@code x-herald-since} at the last message it got in order. The dropped one no
	 * longer counts.
	 */
	void resume(StompConnection dropped, String destination, int stream) {
		this.tracker = dropped.tracker;
		dropped.counted = false;
		this.epoch = dropped.epoch;
		this.readsEpoch = true;
		this.subscriptions.add(destination);
		this.ackModes.add("auto");
		this.subscribeHeaders.add("x-herald-since:" + dropped.epoch + ":" + dropped.tracker.last(stream) + "\n");
	}

	/** Sends an ACK for every message received since the last call. */
	void flushAcks() {
		if (!this.acking || this.unacked.isEmpty() || this.channel == null || !this.channel.isActive()) {
			return;
		}
		for (String id : this.unacked) {
			this.channel.write(new TextWebSocketFrame("ACK\nid:" + id + "\n\n\0"));
		}
		this.unacked.clear();
		this.channel.flush();
	}

	/**
	 * Leaves the queue holding what it has not acknowledged yet, by UNSUBSCRIBE: the
	 * connection stays open.
	 */
	void unsubscribe() {
		this.acking = false;
		this.channel.writeAndFlush(new TextWebSocketFrame("UNSUBSCRIBE\nid:0\n\n\0"));
	}

	/** Leaves by DISCONNECT with a receipt, and closes the socket once it arrives. */
	void disconnect() {
		this.acking = false;
		this.leaving = true;
		this.closeOnReceipt = true;
		this.channel.writeAndFlush(new TextWebSocketFrame("DISCONNECT\nreceipt:bye-" + this.index + "\n\n\0"));
	}

	/** Leaves by closing the socket, without a word. */
	void closeSocket() {
		this.acking = false;
		this.leaving = true;
		this.channel.close();
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		this.channel = ctx.channel();
		super.channelActive(ctx);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
			String frame = "CONNECT\naccept-version:1.2,1.1\nhost:/\nlogin:" + this.load.login() + "\npasscode:"
					+ this.load.passcode() + "\nheart-beat:0,0\n\n\0";
			ctx.writeAndFlush(new TextWebSocketFrame(frame));
		}
		else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
			this.load.failed(this, "WebSocket handshake timed out");
		}
		super.userEventTriggered(ctx, evt);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof WebSocketFrame frame)) {
			io.netty.util.ReferenceCountUtil.release(msg);
			return;
		}
		try {
			ByteBuf content = frame.content();
			this.bytesRead += content.readableBytes();
			int i = content.readerIndex();
			int end = content.writerIndex();
			while (i < end) {
				byte b = content.getByte(i);
				if (b == '\n' || b == '\r') {
					i++;
					continue;
				}
				int nul = content.indexOf(i, end, (byte) 0);
				if (nul < 0) {
					this.load.failed(this, "a STOMP frame without its NUL terminator");
					return;
				}
				onFrame(content, i, nul);
				i = nul + 1;
			}
		}
		finally {
			frame.release();
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		this.load.afterRead();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.load.closed(this);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.load.failed(this, String.valueOf(cause));
		ctx.close();
	}

	private void onFrame(ByteBuf buf, int start, int end) {
		byte first = buf.getByte(start);
		if (first == 'M') {
			int body = bodyStart(buf, start, end);
			if (body < 0 || !MessageBody.isBenchBody(buf, body, end)) {
				this.load.foreign();
				return;
			}
			int stream = MessageBody.stream(buf, body);
			long seq = MessageBody.seq(buf, body);
			long sentNanos = MessageBody.sentNanos(buf, body);
			if (this.slowReader) {
				String conflated = header(buf, start, body, "x-herald-conflated:");
				if (conflated != null) {
					this.load.conflated(Integer.parseInt(conflated));
				}
			}
			if (this.readsEpoch && this.epoch == null) {
				this.epoch = header(buf, start, body, "x-herald-epoch:");
			}
			if (this.queue != null) {
				onQueueMessage(buf, start, body, stream, seq);
			}
			else {
				this.tracker.record(stream, seq);
			}
			this.load.delivered(this, sentNanos);
		}
		else if (first == 'R') {
			if ("false".equals(header(buf, start, end, "x-herald-recovered:"))) {
				this.load.notRecovered();
			}
			onReceipt();
		}
		else if (first == 'C') {
			onConnected();
		}
		else if (first == 'E') {
			this.load.failed(this, "ERROR frame: "
					+ buf.toString(start, Math.min(end - start, 300), StandardCharsets.UTF_8).replace('\n', ' '));
		}
	}

	private void onConnected() {
		if (this.connected) {
			return;
		}
		this.connected = true;
		if (this.subscriptions.isEmpty()) {
			markReady();
			return;
		}
		StringBuilder frames = new StringBuilder();
		for (int i = 0; i < this.subscriptions.size(); i++) {
			frames.append("SUBSCRIBE\nid:").append(i).append("\ndestination:").append(this.subscriptions.get(i));
			frames.append("\nack:").append(this.ackModes.get(i)).append('\n').append(this.subscribeHeaders.get(i));
			if (i == this.subscriptions.size() - 1 && this.load.receipts()) {
				frames.append("receipt:sub-").append(this.index).append('\n');
			}
			frames.append("\n\0");
		}
		// One WebSocket message per STOMP frame: some brokers take only one frame per
		// message.
		String all = frames.toString();
		int from = 0;
		int nul;
		while ((nul = all.indexOf('\0', from)) >= 0) {
			TextWebSocketFrame frame = new TextWebSocketFrame(all.substring(from, nul + 1));
			from = nul + 1;
			if (from < all.length()) {
				this.channel.write(frame);
			}
			else if (this.load.receipts()) {
				this.channel.writeAndFlush(frame);
			}
			else {
				// Without receipts, a subscription counts once its frame is on the wire.
				this.channel.writeAndFlush(frame).addListener((f) -> markReady());
			}
		}
	}

	private void onQueueMessage(ByteBuf buf, int start, int body, int stream, long seq) {
		String ack = header(buf, start, body, "ack:");
		boolean redelivered = "true".equals(header(buf, start, body, "redelivered:"));
		if (!this.queue.record(stream, seq, redelivered)) {
			this.load.foreign();
		}
		if (this.acking && ack != null) {
			this.unacked.add(ack);
		}
	}

	private void onReceipt() {
		if (!this.ready) {
			markReady();
		}
		else if (this.closeOnReceipt) {
			this.channel.close();
		}
	}

	/** The value of a header line between {@code start} and {@code body}, or null. */
	private static String header(ByteBuf buf, int start, int body, String name) {
		int line = start;
		while (line < body) {
			int eol = buf.indexOf(line, body, (byte) '\n');
			if (eol < 0) {
				return null;
			}
			int length = eol - line;
			if (length > name.length() && buf.toString(line, name.length(), StandardCharsets.US_ASCII).equals(name)) {
				int valueEnd = (buf.getByte(eol - 1) == '\r') ? eol - 1 : eol;
				return buf.toString(line + name.length(), valueEnd - line - name.length(), StandardCharsets.UTF_8);
			}
			line = eol + 1;
		}
		return null;
	}

	private void markReady() {
		if (!this.ready) {
			this.ready = true;
			this.load.ready(this);
		}
	}

	private static int bodyStart(ByteBuf buf, int start, int end) {
		for (int i = start; i < end - 1; i++) {
			if (buf.getByte(i) == '\n') {
				byte next = buf.getByte(i + 1);
				if (next == '\n') {
					return i + 2;
				}
				if (next == '\r' && i + 2 < end && buf.getByte(i + 2) == '\n') {
					return i + 3;
				}
			}
		}
		return -1;
	}

}
