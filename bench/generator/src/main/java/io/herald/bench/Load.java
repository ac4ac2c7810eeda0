package io.herald.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;

/**
 * The connections of one scenario and everything they count, owned by one event loop
 * thread (the generator is pinned to one core, so one thread is what it has). The
 * scenario thread only asks questions through {@link #call(Callable)}.
 *
 * <p>
 * Publishing runs on the same loop, either with a bounded in-flight window (a message is
 * in flight until every counted subscriber has it) or at a fixed rate paced by a 1 ms
 * timer. Every loop here is bounded: the window by its size, the pacer by a burst cap.
 */
final class Load implements AutoCloseable {

	private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(60);

	/** The socket receive buffer of a slow reader: what the kernel reads for it. */
	private static final int SLOW_READER_RECEIVE_BUFFER = 4096;

	private static final String THROTTLE = "throttle";

	private final EventLoopGroup group;

	private final EventLoop loop;

	private final Bootstrap bootstrap;

	private final URI uri;

	private final InetSocketAddress remote;

	private final List<InetAddress> sources;

	private final Settings settings;

	private final WebSocketClientProtocolConfig ws;

	private InetSocketAddress secondRemote;

	private WebSocketClientProtocolConfig secondWs;

	private final long epoch = System.nanoTime();

	private final List<StompConnection> connections = new ArrayList<>();

	private final List<Publication> publications = new ArrayList<>();

	private final List<String> errors = new ArrayList<>();

	private final Histogram latency = new Histogram(MAX_LATENCY_MICROS, 3);

	private final Histogram slowLatency = new Histogram(MAX_LATENCY_MICROS, 3);

	private long[] sent = new long[0];

	private long sentTotal;

	private long deliveredCounted;

	private long foreign;

	private int notRecovered;

	private int readyCount;

	private int failedCount;

	private int droppedCount;

	private long conflatedCount;

	private boolean recording;

	private int window;

	private int fanoutDegree;

	private Rotation windowRotation;

	private final List<ScheduledFuture<?>> pacers = new ArrayList<>();

	private int pending;

	private int nextToOpen;

	private int maxPending;

	/**
	 * Generator settings shared by every scenario of a run.
	 *
	 * @param uri the target's WebSocket endpoint
	 * @param login STOMP login
	 * @param passcode STOMP passcode
	 * @param receipts whether the target answers SUBSCRIBE receipts
	 * @param bodySize bytes of each message body
	 * @param sourceAddresses local 127.0.0.x addresses the connections are spread over
	 */
	record Settings(URI uri, String login, String passcode, boolean receipts, int bodySize, int sourceAddresses) {
	}

	Load(Settings settings) throws Exception {
		this.settings = settings;
		this.uri = settings.uri();
		String host = this.uri.getHost();
		if (!host.startsWith("127.0.0.")) {
			throw new IllegalArgumentException("uri must be on 127.0.0.x: " + this.uri);
		}
		this.remote = new InetSocketAddress(InetAddress.getByName(host), this.uri.getPort());
		this.sources = new ArrayList<>();
		for (int i = 0; i < settings.sourceAddresses(); i++) {
			this.sources.add(InetAddress.getByName("127.0.0." + (2 + i)));
		}
		boolean epoll = Epoll.isAvailable();
		this.group = new MultiThreadIoEventLoopGroup(1,
				epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
		this.loop = this.group.next();
		this.ws = webSocket(this.uri);
		this.bootstrap = new Bootstrap().group(this.group)
			.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
	}

	private static WebSocketClientProtocolConfig webSocket(URI uri) {
		return WebSocketClientProtocolConfig.newBuilder()
			.webSocketUri(uri)
			.subprotocol("v12.stomp,v11.stomp,v10.stomp")
			.maxFramePayloadLength(1 << 20)
			.handshakeTimeoutMillis(30_000)
			.withUTF8Validator(false)
			.generateOriginHeader(false)
			.build();
	}

	/**
	 * A second node of the same cluster: connections marked
	 * {@link StompConnection#remote} open there.
	 */
	void secondNode(URI second) throws Exception {
		this.secondRemote = new InetSocketAddress(InetAddress.getByName(second.getHost()), second.getPort());
		this.secondWs = webSocket(second);
	}

	String login() {
		return this.settings.login();
	}

	String passcode() {
		return this.settings.passcode();
	}

	boolean receipts() {
		return this.settings.receipts();
	}

	long nanos() {
		return System.nanoTime() - this.epoch;
	}

	<T> T call(Callable<T> task) throws Exception {
		return this.loop.submit(task).get(60, TimeUnit.SECONDS);
	}

	StompConnection newConnection() {
		StompConnection c = new StompConnection(this, this.connections.size());
		this.connections.add(c);
		return c;
	}

	List<StompConnection> connections() {
		return this.connections;
	}

	/**
	 * A stream of messages from one publisher to one destination.
	 * @param publisher the connection that sends it
	 * @param destination where it goes
	 * @return the stream id the subscribers expect
	 */
	int publication(StompConnection publisher, String destination) {
		int id = this.publications.size();
		this.publications
			.add(new Publication(id, publisher, ("SEND\ndestination:" + destination + "\ncontent-type:text/plain\n\n")
				.getBytes(StandardCharsets.UTF_8)));
		this.sent = Arrays.copyOf(this.sent, id + 1);
		return id;
	}

	/**
	 * Opens every connection made so far with at most {@code concurrency} opening at once
	 * and waits until each is ready (connected and subscribed) or failed.
	 * @return nanoseconds until the last one was ready, or -1 on time-out
	 */
	long openAll(int concurrency, long timeoutMillis) throws Exception {
		long start = System.nanoTime();
		call(() -> {
			this.maxPending = concurrency;
			openMore();
			return null;
		});
		long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		int total = this.connections.size();
		while (System.nanoTime() < deadline) {
			int done = call(() -> this.readyCount + this.failedCount);
			if (done >= total) {
				return System.nanoTime() - start;
			}
			Thread.sleep(5);
		}
		return -1;
	}

	private void openMore() {
		while (this.pending < this.maxPending && this.nextToOpen < this.connections.size()) {
			StompConnection c = this.connections.get(this.nextToOpen);
			InetAddress source = this.sources.get(this.nextToOpen % this.sources.size());
			this.nextToOpen++;
			this.pending++;
			Bootstrap b = this.bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel ch) {
					ch.pipeline()
						.addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
								new WebSocketClientProtocolHandler(c.remote ? Load.this.secondWs : Load.this.ws),
								new WebSocketFrameAggregator(1 << 20), c);
				}
			});
			if (c.slowReader) {
				b.option(ChannelOption.SO_RCVBUF, SLOW_READER_RECEIVE_BUFFER);
			}
			b.connect(c.remote ? this.secondRemote : this.remote, new InetSocketAddress(source, 0)).addListener((f) -> {
				if (!f.isSuccess()) {
					failed(c, "connect: " + f.cause());
				}
			});
		}
	}

	void ready(StompConnection c) {
		this.readyCount++;
		this.pending--;
		openMore();
	}

	void failed(StompConnection c, String reason) {
		if (this.errors.size() < 10 && !c.dropExpected) {
			this.errors.add("connection " + c.index() + ": " + reason);
		}
		if (!c.isReady()) {
			this.failedCount++;
			this.pending--;
			openMore();
		}
		Channel ch = c.channel();
		if (ch != null) {
			ch.close();
		}
	}

	void closed(StompConnection c) {
		if (c.isReady() && !c.leaving && !c.dropExpected) {
			this.droppedCount++;
			if (this.errors.size() < 10) {
				this.errors.add("connection " + c.index() + " closed by the broker");
			}
		}
	}

	void foreign() {
		this.foreign++;
	}

	/** A resuming SUBSCRIBE whose RECEIPT said {@code x-herald-recovered:false}. */
	void notRecovered() {
		this.notRecovered++;
	}

	/** Resuming SUBSCRIBEs that could not recover; on the event loop. */
	int notRecoveredCount() {
		return this.notRecovered;
	}

	/** Messages published so far on one publication; on the event loop. */
	long sentOn(int publication) {
		return this.sent[publication];
	}

	void delivered(StompConnection c, long sentNanos) {
		if ((c.slowReader || c.remote) && this.recording) {
			long micros = (nanos() - sentNanos) / 1000;
			this.slowLatency.recordValue(Math.min(Math.max(micros, 0), MAX_LATENCY_MICROS));
		}
		if (!c.counted) {
			return;
		}
		this.deliveredCounted++;
		if (this.recording) {
			long micros = (nanos() - sentNanos) / 1000;
			this.latency.recordValue(Math.min(Math.max(micros, 0), MAX_LATENCY_MICROS));
		}
	}

	/** A delivery to a slow reader said it stands for {@code replaced} more. */
	void conflated(int replaced) {
		this.conflatedCount += replaced;
	}

	/** The messages slow readers were told were conflated away; on the event loop. */
	long conflatedCount() {
		return this.conflatedCount;
	}

	/**
	 * Makes connections read at most {@code bytes} every {@code everyMillis}, as clients
	 * on a slow link. Their socket receive buffer is small (set when they opened) and
	 * they read from the socket only when what they read before has gone to their
	 * decoders, so the broker meets TCP's back-pressure as it would from a slow network.
	 */
	void throttle(List<StompConnection> slow, int bytes, long everyMillis) throws Exception {
		call(() -> {
			List<Throttle> throttles = new ArrayList<>();
			for (StompConnection c : slow) {
				Throttle throttle = new Throttle(bytes);
				c.channel().config().setAutoRead(false);
				c.channel().pipeline().addFirst(THROTTLE, throttle);
				throttles.add(throttle);
			}
			this.pacers.add(this.loop.scheduleAtFixedRate(() -> throttles.forEach(Throttle::tick), everyMillis,
					everyMillis, TimeUnit.MILLISECONDS));
			return null;
		});
	}

	/** Lets throttled connections read freely again. */
	void unthrottle(List<StompConnection> slow) throws Exception {
		call(() -> {
			for (StompConnection c : slow) {
				((Throttle) c.channel().pipeline().get(THROTTLE)).release();
				c.channel().pipeline().remove(THROTTLE);
				c.channel().config().setAutoRead(true);
			}
			return null;
		});
	}

	/**
	 * First in a throttled pipeline: holds what the socket gave and passes on at most its
	 * budget per {@link #tick()}, reading from the socket again only once all of it has
	 * gone on; the reads the decoders behind it ask for are swallowed (they ask until a
	 * whole WebSocket frame is in).
	 */
	private static final class Throttle extends ChannelDuplexHandler {

		private final int budget;

		private ChannelHandlerContext ctx;

		private ByteBuf held;

		Throttle(int budget) {
			this.budget = budget;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.ctx = ctx;
			this.held = ctx.alloc().buffer();
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext ctx) {
			this.held.release();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf bytes) {
				this.held.writeBytes(bytes);
				bytes.release();
			}
			else {
				ctx.fireChannelRead(msg);
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			// tick() says when something was read
		}

		@Override
		public void read(ChannelHandlerContext ctx) {
			// only tick() reads from the socket
		}

		void tick() {
			if (!this.ctx.channel().isActive()) {
				return;
			}
			int n = Math.min(this.budget, this.held.readableBytes());
			if (n > 0) {
				this.ctx.fireChannelRead(this.held.readRetainedSlice(n));
				this.ctx.fireChannelReadComplete();
				this.held.discardReadBytes();
			}
			if (this.held.readableBytes() == 0) {
				this.ctx.read();
			}
		}

		/** Passes on everything held, before the throttle leaves the pipeline. */
		void release() {
			if (this.held.isReadable()) {
				this.ctx.fireChannelRead(this.held.readRetainedSlice(this.held.readableBytes()));
				this.ctx.fireChannelReadComplete();
			}
		}

	}

	void afterRead() {
		if (this.window > 0) {
			refill();
		}
	}

	/** Publishes round robin over all publications, at most {@code window} in flight. */
	void startWindow(int window, int fanoutDegree) throws Exception {
		call(() -> {
			this.window = window;
			this.fanoutDegree = fanoutDegree;
			this.windowRotation = new Rotation(allPublications());
			this.pacers.add(this.loop.scheduleAtFixedRate(this::refill, 1, 1, TimeUnit.MILLISECONDS));
			refill();
			return null;
		});
	}

	private void refill() {
		long inFlight = this.sentTotal - this.deliveredCounted / this.fanoutDegree;
		int budget = (int) Math.min(this.window - inFlight, this.window);
		publish(this.windowRotation, budget);
	}

	/** Publishes round robin over all publications at a fixed total rate. */
	void startRate(double messagesPerSecond) throws Exception {
		startRate(messagesPerSecond, allPublications());
	}

	/**
	 * Publishes round robin over some publications at a fixed total rate; several such
	 * pacers may run at once, each with its own rate.
	 * @param messagesPerSecond the rate over all of {@code ids}
	 * @param ids publication ids, as {@link #publication} returned them
	 */
	void startRate(double messagesPerSecond, int[] ids) throws Exception {
		if (ids.length == 0) {
			return;
		}
		call(() -> {
			Rotation rotation = new Rotation(ids);
			long start = nanos();
			long burst = Math.max(1, (long) (messagesPerSecond / 100));
			this.pacers.add(this.loop.scheduleAtFixedRate(() -> {
				long due = (long) (messagesPerSecond * (nanos() - start) / 1e9) - rotation.sent;
				publish(rotation, (int) Math.min(due, burst));
			}, 0, 1, TimeUnit.MILLISECONDS));
			return null;
		});
	}

	/**
	 * Runs a task on the event loop every {@code periodMillis} until
	 * {@link #stopPublishing()}.
	 */
	void every(long periodMillis, Runnable task) throws Exception {
		call(() -> this.pacers
			.add(this.loop.scheduleAtFixedRate(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS)));
	}

	private int[] allPublications() {
		int[] ids = new int[this.publications.size()];
		for (int i = 0; i < ids.length; i++) {
			ids[i] = i;
		}
		return ids;
	}

	void stopPublishing() throws Exception {
		call(() -> {
			this.window = 0;
			for (ScheduledFuture<?> pacer : this.pacers) {
				pacer.cancel(false);
			}
			this.pacers.clear();
			return null;
		});
	}

	private void publish(Rotation rotation, int count) {
		if (count <= 0 || rotation.ids.length == 0) {
			return;
		}
		List<Channel> written = new ArrayList<>(4);
		for (int i = 0; i < count; i++) {
			Publication p = this.publications.get(rotation.next());
			Channel ch = p.publisher.channel();
			if (ch == null || !ch.isActive() || !ch.isWritable()) {
				continue;
			}
			if (!written.contains(ch)) {
				written.add(ch);
			}
			ByteBuf buf = ch.alloc().buffer(p.prefix.length + this.settings.bodySize() + 1);
			buf.writeBytes(p.prefix);
			long seq = ++this.sent[p.id];
			MessageBody.write(buf, p.id, seq, nanos(), padding());
			buf.writeByte(0);
			ch.write(new TextWebSocketFrame(buf));
			this.sentTotal++;
			rotation.sent++;
		}
		for (Channel ch : written) {
			ch.flush();
		}
	}

	/** Messages published so far per publication id; call on the event loop. */
	long[] sentPerPublication() {
		return this.sent;
	}

	private byte[] padding;

	private byte[] padding() {
		if (this.padding == null) {
			this.padding = new byte[Math.max(0, this.settings.bodySize() - MessageBody.FIELDS)];
			Arrays.fill(this.padding, (byte) 'x');
		}
		return this.padding;
	}

	/** Starts latency recording afresh and returns the counters at this instant. */
	Counters measure(boolean record) throws Exception {
		return call(() -> {
			if (record) {
				this.latency.reset();
				this.slowLatency.reset();
			}
			this.recording = record;
			return new Counters(System.nanoTime(), this.deliveredCounted, this.sentTotal, Cpu.processNanos());
		});
	}

	/** The counters at this instant, leaving latency recording as it is. */
	Counters counters() throws Exception {
		return call(() -> new Counters(System.nanoTime(), this.deliveredCounted, this.sentTotal, Cpu.processNanos()));
	}

	Histogram latencyCopy() throws Exception {
		return call(this.latency::copy);
	}

	/** The age of what slow readers received while recording: their staleness. */
	Histogram slowLatencyCopy() throws Exception {
		return call(this.slowLatency::copy);
	}

	/** Waits (bounded) until deliveries stop arriving. */
	void drain(long maxMillis) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
		long last = -1;
		long quietSince = System.nanoTime();
		while (System.nanoTime() < deadline) {
			long now = call(() -> this.deliveredCounted);
			if (now != last) {
				last = now;
				quietSince = System.nanoTime();
			}
			else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(300)) {
				return;
			}
			Thread.sleep(20);
		}
	}

	/** Lost, duplicated, reordered over the counted subscribers. */
	Verdict verdict() throws Exception {
		return call(() -> {
			long lost = 0;
			long duplicated = 0;
			long reordered = 0;
			long unexpected = 0;
			for (StompConnection c : this.connections) {
				unexpected += c.tracker.unexpected();
				if (c.counted && c.tracker.streams().length > 0) {
					lost += c.tracker.lost(this.sent);
					duplicated += c.tracker.duplicated();
					reordered += c.tracker.reordered();
				}
			}
			return new Verdict(lost, duplicated, reordered, this.sentTotal, this.deliveredCounted, this.failedCount,
					this.droppedCount, this.foreign + unexpected, List.copyOf(this.errors));
		});
	}

	int readyCount() throws Exception {
		return call(() -> this.readyCount);
	}

	@Override
	public void close() {
		try {
			stopPublishing();
			List<io.netty.channel.ChannelFuture> closing = call(() -> {
				List<io.netty.channel.ChannelFuture> futures = new ArrayList<>();
				for (StompConnection c : this.connections) {
					if (c.channel() != null) {
						futures.add(c.channel().close());
					}
				}
				return futures;
			});
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			for (io.netty.channel.ChannelFuture f : closing) {
				f.await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			throw new IllegalStateException("closing the connections failed", ex);
		}
		finally {
			this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
	}

	private record Publication(int id, StompConnection publisher, byte[] prefix) {
	}

	/**
	 * The publications one pacer goes round, where it is, and how many it has sent (a
	 * message skipped because its publisher was not writable is still due next tick).
	 */
	private static final class Rotation {

		private final int[] ids;

		private int next;

		private long sent;

		Rotation(int[] ids) {
			this.ids = ids;
		}

		int next() {
			int id = this.ids[this.next];
			this.next = (this.next + 1) % this.ids.length;
			return id;
		}

	}

	/**
	 * Counters at one instant.
	 *
	 * @param nanos wall clock
	 * @param delivered deliveries to counted subscribers
	 * @param sent messages published
	 * @param cpuNanos the generator process's CPU time
	 */
	record Counters(long nanos, long delivered, long sent, long cpuNanos) {
	}

	/**
	 * What the verification found.
	 *
	 * @param lost messages a subscriber should have had and never got
	 * @param duplicated messages a subscriber got twice
	 * @param reordered messages that came after a later one of the same stream
	 * @param sent messages published
	 * @param delivered deliveries to counted subscribers
	 * @param failed connections that never became ready
	 * @param dropped ready connections that were closed before the end
	 * @param foreign MESSAGE frames without a well-formed generator body, or of a stream
	 * the subscriber never subscribed to
	 * @param errors the first few failure reasons
	 */
	record Verdict(long lost, long duplicated, long reordered, long sent, long delivered, int failed, int dropped,
			long foreign, List<String> errors) {
	}

}
