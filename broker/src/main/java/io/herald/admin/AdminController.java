package io.herald.admin;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.herald.cluster.Backplane;
import io.herald.protocol.Command;

import io.herald.routing.DestinationInfo;
import io.herald.session.Broker;
import io.herald.session.BrokerStats;
import io.herald.session.BrokerTotals;
import io.herald.session.ClosedSession;
import io.herald.session.CloseReason;
import io.herald.session.RecentCloses;
import io.herald.session.SessionInfo;
import io.herald.session.SessionTraffic;
import io.herald.session.SubscriptionInfo;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriUtils;

/**
 * The admin REST API, {@code /api/v1/admin/…}: JSON snapshots of the broker for operators
 * and scripts. Reads only snapshots the core makes for it; never stops traffic.
 */
@RestController
@RequestMapping(path = "/api/v1/admin", produces = "application/json")
public class AdminController {

	private static final String DESTINATIONS = "/api/v1/admin/destinations";

	private static final String QUEUE_PREFIX = "/queue/";

	private static final long SNAPSHOT_TIMEOUT_MILLIS = 2_000;

	private final Broker broker;

	private final String version;

	private final Clock clock;

	private final Throughput throughput;

	private final DestinationRates destinationRates;

	private final Supplier<List<Integer>> eventLoopBacklog;

	private final Backplane backplane;

	/**
	 * @param throughput the node second by second
	 * @param destinationRates each destination's rates
	 * @param eventLoopBacklog tasks waiting in each I/O event loop now
	 */
	public AdminController(Broker broker, String version, Clock clock, Throughput throughput,
			DestinationRates destinationRates, Supplier<List<Integer>> eventLoopBacklog, Backplane backplane) {
		this.backplane = backplane;
		this.broker = broker;
		this.version = version;
		this.clock = clock;
		this.throughput = throughput;
		this.destinationRates = destinationRates;
		this.eventLoopBacklog = eventLoopBacklog;
	}

	/**
	 * Open sessions, filtered by user, address (prefix), transport and a search text
	 * ({@code q}, part of the id, user or address), sorted by {@code openedAt} (default),
	 * {@code user}, {@code subscriptions}, {@code outboundBytes}, {@code bytesIn},
	 * {@code bytesOut} or {@code lastReceivedAt}.
	 */
	@GetMapping("/sessions")
	public AdminPage<SessionInfo> sessions(@RequestParam(required = false) String user,
			@RequestParam(required = false) String address, @RequestParam(required = false) String transport,
			@RequestParam(required = false) String q, @RequestParam(defaultValue = "openedAt") String sort,
			@RequestParam(defaultValue = "asc") String order, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "50") int size) {
		Comparator<SessionInfo> comparator = switch (sort) {
			case "openedAt" -> Comparator.comparing(SessionInfo::openedAt);
			case "user" -> Comparator.comparing(SessionInfo::user, Comparator.nullsFirst(Comparator.naturalOrder()));
			case "subscriptions" -> Comparator.comparingInt(SessionInfo::subscriptions);
			case "outboundBytes" -> Comparator.comparingLong(SessionInfo::outboundBytes);
			case "bytesIn" -> Comparator.comparingLong((SessionInfo session) -> session.traffic().bytesIn());
			case "bytesOut" -> Comparator.comparingLong((SessionInfo session) -> session.traffic().bytesOut());
			case "lastReceivedAt" -> Comparator.comparing(SessionInfo::lastReceivedAt);
			default -> throw badRequest("sort must be openedAt, user, subscriptions, outboundBytes, bytesIn, "
					+ "bytesOut or lastReceivedAt, was '" + sort + "'");
		};
		String search = (q != null) ? q.toLowerCase(Locale.ROOT) : null;
		return AdminPage.of(this.broker.sessions(),
				(session) -> (user == null || user.equals(session.user()))
						&& (address == null || String.valueOf(session.remoteAddress()).startsWith(address))
						&& (transport == null || transport.equals(session.transport()))
						&& (search == null || contains(session.id(), search) || contains(session.user(), search)
								|| contains(session.remoteAddress(), search)),
				ordered(comparator.thenComparing(SessionInfo::id), order), page, size);
	}

	private static boolean contains(String field, String search) {
		return field != null && field.toLowerCase(Locale.ROOT).contains(search);
	}

	/** One open session with its subscriptions. */
	@GetMapping("/sessions/{id}")
	public SessionDetail session(@PathVariable String id) {
		SessionInfo session = this.broker.session(id).orElseThrow(() -> notFound("no open session '" + id + "'"));
		List<SubscriptionInfo> subscriptions;
		try {
			subscriptions = this.broker.subscriptions(id)
				.orElseThrow(() -> notFound("no open session '" + id + "'"))
				.get(SNAPSHOT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
					"session '" + id + "' did not list its subscriptions within " + SNAPSHOT_TIMEOUT_MILLIS + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		return new SessionDetail(session, subscriptions);
	}

	/**
	 * The last sessions that ended, newest first, optionally of one reason (its tag, such
	 * as {@code slow-consumer}).
	 */
	@GetMapping("/closes")
	public List<ClosedSession> closes(@RequestParam(required = false) String reason,
			@RequestParam(defaultValue = "50") int limit) {
		RecentCloses recent = this.broker.stats().recentCloses();
		if (limit < 1 || limit > recent.capacity()) {
			throw badRequest("limit must be between 1 and " + recent.capacity() + ", was " + limit);
		}
		if (reason != null && Arrays.stream(CloseReason.values()).noneMatch((known) -> known.tag().equals(reason))) {
			throw badRequest("reason must be a close reason's tag, such as slow-consumer or admin-disconnect, was '"
					+ reason + "'");
		}
		return recent.newest(recent.capacity())
			.stream()
			.filter((closed) -> reason == null || reason.equals(closed.reason()))
			.limit(limit)
			.toList();
	}

	/**
	 * The node second by second over the last five minutes, oldest first: sessions,
	 * messages and bytes per second, delivery latency percentiles, slow consumers. With
	 * {@code since} (an instant, as the seconds' {@code at}), only the seconds after it.
	 */
	@GetMapping("/history")
	public List<Throughput.Second> history(@RequestParam(required = false) Instant since) {
		List<Throughput.Second> history = this.throughput.history();
		return (since == null) ? history : history.stream().filter((second) -> second.at().isAfter(since)).toList();
	}

	/**
	 * Ends a session with an ERROR "disconnected by an operator: REASON", counted as an
	 * admin disconnect.
	 */
	@DeleteMapping("/sessions/{id}")
	public ResponseEntity<Void> disconnect(@PathVariable String id,
			@RequestParam(defaultValue = "ended by an operator") String reason) {
		if (!this.broker.disconnect(id, reason)) {
			throw notFound("no open session '" + id + "'");
		}
		return ResponseEntity.noContent().build();
	}

	/**
	 * Destinations in use, filtered by name prefix, sorted by {@code name} (default),
	 * {@code subscribers}, {@code depth}, {@code published}, {@code delivered},
	 * {@code publishedPerSecond} or {@code deliveredPerSecond}.
	 */
	@GetMapping("/destinations")
	public AdminPage<DestinationStats> destinations(@RequestParam(required = false) String prefix,
			@RequestParam(defaultValue = "name") String sort, @RequestParam(defaultValue = "asc") String order,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		Comparator<DestinationStats> comparator = switch (sort) {
			case "name" -> Comparator.comparing(DestinationStats::name);
			case "subscribers" -> Comparator.comparingInt(DestinationStats::subscribers);
			case "depth" -> Comparator.comparingInt(DestinationStats::depth);
			case "published" -> Comparator.comparingLong(DestinationStats::published);
			case "delivered" -> Comparator.comparingLong(DestinationStats::delivered);
			case "publishedPerSecond" -> Comparator.comparingDouble(DestinationStats::publishedPerSecond);
			case "deliveredPerSecond" -> Comparator.comparingDouble(DestinationStats::deliveredPerSecond);
			default -> throw badRequest("sort must be name, subscribers, depth, published, delivered, "
					+ "publishedPerSecond or deliveredPerSecond, was '" + sort + "'");
		};
		List<DestinationStats> all = this.broker.destinations()
			.stream()
			.filter((destination) -> prefix == null || destination.name().startsWith(prefix))
			.map(this::withRates)
			.toList();
		return AdminPage.of(all, (destination) -> true,
				ordered(comparator.thenComparing(DestinationStats::name), order), page, size);
	}

	private DestinationStats withRates(DestinationInfo info) {
		return DestinationStats.of(info, this.destinationRates.of(info.name()));
	}

	/** One destination by the name a client writes, such as {@code /queue/orders}. */
	@GetMapping("/destinations/**")
	public DestinationStats destination(HttpServletRequest request) {
		String name = destinationName(request, "");
		return this.broker.destinations()
			.stream()
			.filter((destination) -> destination.name().equals(name))
			.findFirst()
			.map(this::withRates)
			.orElseThrow(() -> notFound("no destination '" + name + "'"));
	}

	/** Purges a queue: {@code DELETE /api/v1/admin/destinations/queue/NAME/messages}. */
	@DeleteMapping("/destinations/**")
	public Map<String, Object> purge(HttpServletRequest request) {
		String name = destinationName(request, "/messages");
		if (!name.startsWith(QUEUE_PREFIX)) {
			throw badRequest("only queues can be purged: DELETE /api/v1/admin/destinations/queue/NAME/messages");
		}
		String queue = name.substring(QUEUE_PREFIX.length());
		if (!this.broker.router().hasQueue(queue)) {
			throw notFound("no queue '" + name + "'");
		}
		return Map.of("destination", name, "purged", this.broker.purge(queue));
	}

	/**
	 * The destination named by the rest of the path after {@code /destinations}, without
	 * {@code suffix}, which it must end with.
	 */
	private static String destinationName(HttpServletRequest request, String suffix) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		String rest = path.substring(path.indexOf(DESTINATIONS) + DESTINATIONS.length());
		if (!rest.endsWith(suffix) || rest.length() <= suffix.length() + 1) {
			throw notFound("no such endpoint: " + path);
		}
		return UriUtils.decode(rest.substring(0, rest.length() - suffix.length()), StandardCharsets.UTF_8);
	}

	private static <T> Comparator<T> ordered(Comparator<T> comparator, String order) {
		return switch (order) {
			case "asc" -> comparator;
			case "desc" -> comparator.reversed();
			default -> throw badRequest("order must be asc or desc, was '" + order + "'");
		};
	}

	private static ResponseStatusException badRequest(String detail) {
		return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
	}

	private static ResponseStatusException notFound(String detail) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, detail);
	}

	@GetMapping("/overview")
	public Overview overview() {
		BrokerTotals totals = this.broker.totals();
		BrokerStats stats = this.broker.stats();
		Map<String, Long> connections = new TreeMap<>(this.broker.sessionsByTransport());
		Map<String, Long> framesIn = new TreeMap<>();
		for (Command command : Command.values()) {
			if (command.isClientCommand()) {
				framesIn.put(command.name(), stats.framesIn(command));
			}
		}
		SessionTraffic traffic = this.broker.traffic();
		Map<String, Long> closed = new TreeMap<>();
		for (CloseReason reason : CloseReason.values()) {
			closed.put(reason.tag(), stats.closed(reason));
		}
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		long gcCount = 0;
		long gcMillis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			gcCount += Math.max(0, collector.getCollectionCount());
			gcMillis += Math.max(0, collector.getCollectionTime());
		}
		return new Overview(this.version, this.broker.nodeId(), this.broker.startedAt(),
				Duration.between(this.broker.startedAt(), this.clock.instant()).toSeconds(), connections,
				totals.sessions(), totals.connectionsOpened(), stats.connectionsRefused(), totals.topicSubscriptions(),
				this.broker.destinations().size(), totals.queues(), totals.bufferedMessages(),
				this.broker.router().queuedBytes(), totals.messagesPublished(), stats.messagesDelivered(),
				this.throughput.rates(), traffic, framesIn, totals.outboundBytes(), this.eventLoopBacklog.get(),
				stats.slowConsumers(), closed, stats.authenticationFailures(),
				new Overview.Topics(this.broker.router().retainedCount(), this.broker.router().retainedBytes(),
						this.broker.router().retainedEvictions(), this.broker.router().duplicateSends(),
						stats.conflatedDeliveries(), stats.droppedDeliveries(), stats.rateLimitedDeliveries()),
				new Overview.Memory(this.broker.memory().usedBytes(), this.broker.memory().maxBytes(),
						this.broker.memory().isAlarmed()),
				new Overview.Jvm(heap.getUsed(), heap.getMax(), gcCount, gcMillis), this.backplane.status());
	}

}
