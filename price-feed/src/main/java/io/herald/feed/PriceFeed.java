package io.herald.feed;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The demo's price feed: a simulated market published over STOMP/TCP, one JSON tick
 * ({@code symbol}, {@code price}, {@code change}, {@code timestamp}) per symbol and step
 * to {@code /topic/prices.SYMBOL}. When the broker goes away (a restart, say) the feed
 * says so and connects again, waiting 0.5 s, then twice as long each time up to 5 s; the
 * market keeps walking meanwhile, and what it made while disconnected is not sent: a
 * price feed's news is its latest price.
 *
 * <pre>
 * ./mvnw -q -pl price-feed compile exec:java -Dexec.args="--symbols=AAPL,MSFT --rate=5"
 * </pre>
 */
public final class PriceFeed implements AutoCloseable {

	private static final System.Logger LOGGER = System.getLogger("io.herald.feed");

	private static final long FIRST_RETRY_MILLIS = 500;

	private static final long MAX_RETRY_MILLIS = 5_000;

	private static final long HEARTBEAT_MILLIS = 10_000;

	private final FeedSettings settings;

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final ReactorNettyTcpStompClient client;

	private final Market market;

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private final AtomicLong published = new AtomicLong();

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile StompSession session;

	private volatile long retryMillis = FIRST_RETRY_MILLIS;

	/** The message of the broker's last ERROR, until the next connect. */
	private volatile String refusal;

	private PriceFeed(FeedSettings settings) {
		this.settings = settings;
		this.market = new Market(settings.symbols(), new Random());
		this.scheduler.setThreadNamePrefix("price-feed-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
		this.client = new ReactorNettyTcpStompClient(settings.host(), settings.port());
		// ticks go out as JSON; the text of an ERROR frame comes in as a string
		this.client.setMessageConverter(new CompositeMessageConverter(
				List.of(new StringMessageConverter(), new JacksonJsonMessageConverter())));
		this.client.setTaskScheduler(this.scheduler);
		this.client.setDefaultHeartbeat(new long[] { HEARTBEAT_MILLIS, HEARTBEAT_MILLIS });
	}

	public static void main(String[] args) throws InterruptedException {
		if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
			System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
		}
		FeedSettings settings;
		try {
			settings = FeedSettings.parse(args, System.getenv());
		}
		catch (IllegalArgumentException ex) {
			System.err.println("price-feed: " + ex.getMessage());
			System.exit(2);
			return;
		}
		PriceFeed feed = start(settings);
		Runtime.getRuntime().addShutdownHook(new Thread(feed::close, "price-feed-shutdown"));
		feed.closed.await();
	}

	/**
	 * Starts a feed in this process, with the command line's {@code --key=value}
	 * arguments; {@link #close()} stops it.
	 */
	public static PriceFeed start(String... args) {
		return start(FeedSettings.parse(args, System.getenv()));
	}

	/** Starts connecting and publishing; {@link #close()} stops both. */
	static PriceFeed start(FeedSettings settings) {
		PriceFeed feed = new PriceFeed(settings);
		feed.connect();
		feed.scheduler.scheduleAtFixedRate(feed::publishStep, Duration.ofNanos((long) (1e9 / settings.rate())));
		return feed;
	}

	/** Ticks sent since start. */
	public long published() {
		return this.published.get();
	}

	/** Whether a STOMP session is up now. */
	public boolean isConnected() {
		StompSession current = this.session;
		return current != null && current.isConnected();
	}

	private void connect() {
		if (this.closed.getCount() == 0) {
			return;
		}
		StompHeaders headers = new StompHeaders();
		headers.setLogin(this.settings.login());
		headers.setPasscode(this.settings.passcode());
		this.client.connectAsync(headers, new Handler()).whenComplete((connected, failure) -> {
			if (failure != null) {
				retry(whyNotConnected(failure));
			}
		});
	}

	private void retry(String why) {
		if (this.closed.getCount() == 0 || !this.retryScheduled.compareAndSet(false, true)) {
			return;
		}
		long delay = this.retryMillis;
		this.retryMillis = Math.min(delay * 2, MAX_RETRY_MILLIS);
		LOGGER.log(System.Logger.Level.INFO, why + "; reconnecting in " + delay + " ms");
		this.scheduler.schedule(() -> {
			this.retryScheduled.set(false);
			connect();
		}, Instant.now().plusMillis(delay));
	}

	private void publishStep() {
		List<Market.Tick> ticks = this.market.step(System.currentTimeMillis());
		StompSession current = this.session;
		if (current == null || !current.isConnected()) {
			return;
		}
		try {
			for (Market.Tick tick : ticks) {
				current.send("/topic/prices." + tick.symbol(), tick);
				this.published.incrementAndGet();
			}
		}
		catch (RuntimeException ex) {
			// the connection went away mid-step: the handler hears of it and reconnects
			LOGGER.log(System.Logger.Level.DEBUG, "send failed: " + rootMessage(ex));
		}
	}

	private String whyNotConnected(Throwable failure) {
		String refused = this.refusal;
		return (refused != null) ? "the broker at " + address() + " refused the feed: " + refused
				: "cannot reach the broker at " + address() + " (" + rootMessage(failure) + ")";
	}

	private String address() {
		return this.settings.host() + ":" + this.settings.port();
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	@Override
	public void close() {
		if (this.closed.getCount() == 0) {
			return;
		}
		this.closed.countDown();
		StompSession current = this.session;
		if (current != null && current.isConnected()) {
			current.disconnect();
		}
		this.client.shutdown();
		this.scheduler.shutdown();
	}

	private final class Handler extends StompSessionHandlerAdapter {

		@Override
		public void afterConnected(StompSession connected, StompHeaders headers) {
			PriceFeed.this.session = connected;
			PriceFeed.this.retryMillis = FIRST_RETRY_MILLIS;
			PriceFeed.this.refusal = null;
			LOGGER.log(System.Logger.Level.INFO,
					"connected to " + address() + " as " + headers.getFirst("user-name") + ": publishing "
							+ PriceFeed.this.settings.symbols().size() + " symbols to /topic/prices.* at "
							+ PriceFeed.this.settings.rate() + " ticks/s each");
		}

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return String.class;
		}

		@Override
		public void handleFrame(StompHeaders headers, Object payload) {
			// the ERROR frame the broker sends before closing: say why
			PriceFeed.this.refusal = headers.getFirst("message");
			LOGGER.log(System.Logger.Level.WARNING, "the broker said: " + PriceFeed.this.refusal);
		}

		@Override
		public void handleException(StompSession failed, StompCommand command, StompHeaders headers, byte[] payload,
				Throwable exception) {
			LOGGER.log(System.Logger.Level.WARNING, "STOMP error: " + rootMessage(exception));
		}

		@Override
		public void handleTransportError(StompSession lost, Throwable exception) {
			boolean wasConnected = PriceFeed.this.session == lost;
			if (wasConnected) {
				PriceFeed.this.session = null;
			}
			retry(wasConnected ? "connection to " + address() + " lost (" + rootMessage(exception) + ")"
					: whyNotConnected(exception));
		}

	}

}
