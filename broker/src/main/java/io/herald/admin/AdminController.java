package io.herald.admin;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

import io.herald.routing.DestinationInfo;
import io.herald.session.Broker;
import io.herald.session.BrokerStats;
import io.herald.session.BrokerTotals;
import io.herald.session.CloseReason;
import io.herald.session.SessionInfo;
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

	private final Broker broker;

	private final String version;

	private final Clock clock;

	private final Throughput throughput;

	public AdminController(Broker broker, String version, Clock clock, Throughput throughput) {
		this.broker = broker;
		this.version = version;
		this.clock = clock;
		this.throughput = throughput;
	}

	/**
	 * Open sessions, filtered by user, address (prefix) and transport, sorted by
	 * {@code openedAt} (default), {@code user}, {@code subscriptions} or
	 * {@code outboundBytes}.
	 */
	@GetMapping("/sessions")
	public AdminPage<SessionInfo> sessions(@RequestParam(required = false) String user,
			@RequestParam(required = false) String address, @RequestParam(required = false) String transport,
			@RequestParam(defaultValue = "openedAt") String sort, @RequestParam(defaultValue = "asc") String order,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		Comparator<SessionInfo> comparator = switch (sort) {
			case "openedAt" -> Comparator.comparing(SessionInfo::openedAt);
			case "user" -> Comparator.comparing(SessionInfo::user, Comparator.nullsFirst(Comparator.naturalOrder()));
			case "subscriptions" -> Comparator.comparingInt(SessionInfo::subscriptions);
			case "outboundBytes" -> Comparator.comparingLong(SessionInfo::outboundBytes);
			default ->
				throw badRequest("sort must be openedAt, user, subscriptions or outboundBytes, was '" + sort + "'");
		};
		return AdminPage.of(this.broker.sessions(),
				(session) -> (user == null || user.equals(session.user()))
						&& (address == null || String.valueOf(session.remoteAddress()).startsWith(address))
						&& (transport == null || transport.equals(session.transport())),
				ordered(comparator.thenComparing(SessionInfo::id), order), page, size);
	}

	@GetMapping("/sessions/{id}")
	public SessionInfo session(@PathVariable String id) {
		return this.broker.session(id).orElseThrow(() -> notFound("no open session '" + id + "'"));
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
	 * {@code subscribers}, {@code depth} or {@code published}.
	 */
	@GetMapping("/destinations")
	public AdminPage<DestinationInfo> destinations(@RequestParam(required = false) String prefix,
			@RequestParam(defaultValue = "name") String sort, @RequestParam(defaultValue = "asc") String order,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		Comparator<DestinationInfo> comparator = switch (sort) {
			case "name" -> Comparator.comparing(DestinationInfo::name);
			case "subscribers" -> Comparator.comparingInt(DestinationInfo::subscribers);
			case "depth" -> Comparator.comparingInt(DestinationInfo::depth);
			case "published" -> Comparator.comparingLong(DestinationInfo::published);
			default -> throw badRequest("sort must be name, subscribers, depth or published, was '" + sort + "'");
		};
		return AdminPage.of(this.broker.destinations(),
				(destination) -> prefix == null || destination.name().startsWith(prefix),
				ordered(comparator.thenComparing(DestinationInfo::name), order), page, size);
	}

	/** One destination by the name a client writes, such as {@code /queue/orders}. */
	@GetMapping("/destinations/**")
	public DestinationInfo destination(HttpServletRequest request) {
		String name = destinationName(request, "");
		return this.broker.destinations()
			.stream()
			.filter((destination) -> destination.name().equals(name))
			.findFirst()
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
		Map<String, Long> connections = new TreeMap<>();
		for (SessionInfo session : this.broker.sessions()) {
			connections.merge(session.transport(), 1L, Long::sum);
		}
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
				this.throughput.rates(), totals.outboundBytes(), stats.slowConsumers(), closed,
				stats.authenticationFailures(),
				new Overview.Memory(this.broker.memory().usedBytes(), this.broker.memory().maxBytes(),
						this.broker.memory().isAlarmed()),
				new Overview.Jvm(heap.getUsed(), heap.getMax(), gcCount, gcMillis));
	}

}
