package io.herald.admin;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.herald.session.Broker;
import io.herald.session.BrokerStats;
import io.herald.session.BrokerTotals;
import io.herald.session.CloseReason;
import io.herald.session.SessionInfo;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin REST API, {@code /api/v1/admin/…}: JSON snapshots of the broker for operators
 * and scripts. Reads only snapshots the core makes for it; never stops traffic.
 */
@RestController
@RequestMapping(path = "/api/v1/admin", produces = "application/json")
public class AdminController {

	private final Broker broker;

	private final String version;

	private final Clock clock;

	public AdminController(Broker broker, String version, Clock clock) {
		this.broker = broker;
		this.version = version;
		this.clock = clock;
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
				this.broker.router().queuedBytes(), totals.messagesPublished(), totals.outboundBytes(),
				stats.slowConsumers(), closed, stats.authenticationFailures(),
				new Overview.Memory(this.broker.memory().usedBytes(), this.broker.memory().maxBytes(),
						this.broker.memory().isAlarmed()),
				new Overview.Jvm(heap.getUsed(), heap.getMax(), gcCount, gcMillis));
	}

}
