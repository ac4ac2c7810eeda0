package io.herald.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The five scenarios of issue 3. Each opens its own connections, measures, verifies,
 * closes everything and returns one result row (a map that becomes a JSON object). Counts
 * and durations come from {@link Scale}, so {@code --quick} only shrinks them.
 */
final class Scenarios {

	private static final int OPEN_CONCURRENCY = 200;

	private final Load.Settings settings;

	private final Scale scale;

	private final BrokerProbe broker;

	private final String target;

	private final int generatorCore;

	private final int brokerCore;

	private Soak.Plan soakPlan = Soak.Plan.full(30);

	/**
	 * Counts and durations of a run.
	 *
	 * @param measureMillis length of each measured phase
	 * @param warmupMillis traffic before each measured phase
	 * @param fanoutSubscribers subscribers of the fanout topic
	 * @param window deliveries in flight in the maximum-throughput phases
	 * @param tickerConnections connections of tickers
	 * @param tickerRate messages per second over all tickers
	 * @param chatRooms rooms of ten members
	 * @param chatMemberRate messages per second of each member
	 * @param connections connections of the connections scenario
	 * @param slowSubscribers subscribers of slow-consumer
	 * @param openTimeoutMillis longest wait for a scenario's connections to be ready
	 */
	record Scale(long measureMillis, long warmupMillis, int fanoutSubscribers, int window, int tickerConnections,
			double tickerRate, int chatRooms, double chatMemberRate, int connections, int slowSubscribers,
			long openTimeoutMillis) {

		Scale withConnections(int count) {
			return new Scale(this.measureMillis, this.warmupMillis, this.fanoutSubscribers, this.window,
					this.tickerConnections, this.tickerRate, this.chatRooms, this.chatMemberRate, count,
					this.slowSubscribers, this.openTimeoutMillis);
		}

		Scale withWindow(int deliveries) {
			return new Scale(this.measureMillis, this.warmupMillis, this.fanoutSubscribers, deliveries,
					this.tickerConnections, this.tickerRate, this.chatRooms, this.chatMemberRate, this.connections,
					this.slowSubscribers, this.openTimeoutMillis);
		}

		static Scale quick() {
			return new Scale(1500, 500, 1000, 8000, 1000, 2000, 50, 1, 3000, 100, 20_000);
		}

		static Scale full() {
			return new Scale(10_000, 2000, 1000, 8000, 5000, 5000, 200, 1, 19_000, 100, 120_000);
		}

	}

	Scenarios(Load.Settings settings, Scale scale, BrokerProbe broker, String target) {
		this(settings, scale, broker, target, -1, -1);
	}

	/**
	 * Scenarios against one target.
	 * @param settings generator settings
	 * @param scale counts and durations
	 * @param broker the broker's process, for memory readings
	 * @param target the target's name in the results
	 * @param generatorCore CPU the generator is pinned to, or -1
	 * @param brokerCore CPU the broker is pinned to, or -1
	 */
	Scenarios(Load.Settings settings, Scale scale, BrokerProbe broker, String target, int generatorCore,
			int brokerCore) {
		this.generatorCore = generatorCore;
		this.brokerCore = brokerCore;
		this.settings = settings;
		this.scale = scale;
		this.broker = broker;
		this.target = target;
	}

	/**
	 * Fixed fan-out latency rates in deliveries/s ({@code --fanout-latency-rates}), or
	 * null.
	 */
	private double[] fanoutLatencyRates;

	/**
	 * Runs the fan-out latency phases at these delivery rates instead of at half and a
	 * quarter of the target's own maximum: to compare two targets at the same load.
	 */
	Scenarios fanoutLatencyRates(double[] rates) {
		this.fanoutLatencyRates = rates;
		return this;
	}

	/**
	 * The counts and duration of the soak scenario (default: 30 minutes of the full
	 * plan).
	 */
	Scenarios soak(Soak.Plan plan) {
		this.soakPlan = plan;
		return this;
	}

	/** The second node of a cluster ({@code --uri-b}), for the cluster scenario. */
	private URI secondNode;

	Scenarios secondNode(URI uri) {
		this.secondNode = uri;
		return this;
	}

	Map<String, Object> run(String scenario) throws Exception {
		return switch (scenario) {
			case "fanout" -> fanout();
			case "tickers" -> tickers();
			case "chat" -> chat();
			case "connections" -> connections();
			case "slow-consumer" -> slowConsumer();
			case "resume" -> resume();
			case "conflation" -> conflation();
			case "cluster" -> cluster();
			case "soak" ->
				new Soak(this.settings, this.soakPlan, this.broker, this.target, this.generatorCore, this.brokerCore)
					.run(row("soak"));
			default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
		};
	}

	/**
	 * 1 publisher, N subscribers of one topic: max rate with a window, then latency at
	 * half and at a quarter of it. The quarter shows the floor that fan-out itself and
	 * the generator's reading of N sockets on one core put under every broker: what the
	 * half adds to it is queueing.
	 */
	Map<String, Object> fanout() throws Exception {
		try (Load load = new Load(this.settings)) {
			StompConnection publisher = load.newConnection();
			int stream = load.publication(publisher, "/topic/fanout");
			for (int i = 0; i < this.scale.fanoutSubscribers(); i++) {
				load.newConnection().subscribe("/topic/fanout", stream);
			}
			Map<String, Object> row = row("fanout");
			if (!open(load, row)) {
				return row;
			}
			load.startWindow(messages(this.scale.fanoutSubscribers()), this.scale.fanoutSubscribers());
			Phase max = phase(load, false);
			load.stopPublishing();
			load.drain(10_000);
			int subscribers = this.scale.fanoutSubscribers();
			double rate = (this.fanoutLatencyRates != null) ? this.fanoutLatencyRates[0] / subscribers
					: max.deliveredPerSec() / 2 / subscribers;
			double lowRate = (this.fanoutLatencyRates != null) ? this.fanoutLatencyRates[1] / subscribers : rate / 2;
			load.startRate(Math.max(1, rate));
			Phase half = phase(load, true);
			load.stopPublishing();
			load.drain(10_000);
			load.startRate(Math.max(1, lowRate));
			Phase quarter = phase(load, true);
			load.stopPublishing();
			load.drain(10_000);
			row.put("delivered_per_sec", round(max.deliveredPerSec()));
			latency(row, half.latency());
			row.put("latency_rate_delivered_per_sec", round(half.deliveredPerSec()));
			row.put("latency_rates_fixed", this.fanoutLatencyRates != null);
			latency(row, "quarter_", quarter.latency());
			row.put("quarter_rate_delivered_per_sec", round(quarter.deliveredPerSec()));
			row.put("subscribers", this.scale.fanoutSubscribers());
			finish(load, row, max.cpu());
			return row;
		}
	}

	/**
	 * Connections each subscribed to 5 of 1000 tickers, one publisher at a fixed rate.
	 */
	Map<String, Object> tickers() throws Exception {
		int topics = 1000;
		try (Load load = new Load(this.settings)) {
			StompConnection publisher = load.newConnection();
			int[] streams = new int[topics];
			for (int t = 0; t < topics; t++) {
				streams[t] = load.publication(publisher, "/topic/prices.SYM" + t);
			}
			Random random = new Random(42);
			for (int i = 0; i < this.scale.tickerConnections(); i++) {
				StompConnection c = load.newConnection();
				random.ints(0, topics)
					.distinct()
					.limit(5)
					.forEach((t) -> c.subscribe("/topic/prices.SYM" + t, streams[t]));
			}
			Map<String, Object> row = row("tickers");
			if (!open(load, row)) {
				return row;
			}
			load.startRate(this.scale.tickerRate());
			Phase phase = phase(load, true);
			load.stopPublishing();
			load.drain(10_000);
			row.put("delivered_per_sec", round(phase.deliveredPerSec()));
			latency(row, phase.latency());
			row.put("connections", this.scale.tickerConnections());
			row.put("publish_rate", this.scale.tickerRate());
			finish(load, row, phase.cpu());
			return row;
		}
	}

	/**
	 * Topics with history ({@code /topic/resume.#}, for which bench/run.sh starts Herald
	 * with a history rule): 1,000 subscribers on 100 destinations, fed at a steady rate;
	 * all dropped at once, and after a pause resumed with {@code x-herald-since} while
	 * the feed goes on. Reports the time from the resume until every subscriber has
	 * caught up with what was published when it began, the messages replayed per second,
	 * and that nothing was lost, repeated or reordered across the drop. Herald only: the
	 * peers have no resume.
	 */
	Map<String, Object> resume() throws Exception {
		int destinations = 100;
		int perDestination = 10;
		double rate = 5_000;
		long pauseMillis = 2_000;
		String base = "/topic/resume.run" + Long.toString(System.nanoTime(), 36) + ".d";
		try (Load load = new Load(this.settings)) {
			StompConnection publisher = load.newConnection();
			int[] streams = new int[destinations];
			for (int d = 0; d < destinations; d++) {
				streams[d] = load.publication(publisher, base + d);
			}
			List<StompConnection> subscribers = new ArrayList<>();
			List<Integer> destinationOf = new ArrayList<>();
			for (int d = 0; d < destinations; d++) {
				for (int k = 0; k < perDestination; k++) {
					StompConnection c = load.newConnection();
					c.subscribe(base + d, streams[d]);
					c.readsEpoch = true;
					subscribers.add(c);
					destinationOf.add(d);
				}
			}
			Map<String, Object> row = row("resume");
			if (!open(load, row)) {
				return row;
			}
			load.startRate(rate);
			Phase steady = phase(load, true);
			long[] before = load.call(() -> {
				long[] last = new long[subscribers.size()];
				for (int i = 0; i < subscribers.size(); i++) {
					StompConnection c = subscribers.get(i);
					last[i] = c.tracker.last(streams[destinationOf.get(i)]);
					c.closeSocket();
				}
				return last;
			});
			// the feed goes on while every subscriber is away
			Thread.sleep(pauseMillis);
			long resumedAt = System.nanoTime();
			long[] target = load.call(() -> {
				long[] published = new long[destinations];
				for (int d = 0; d < destinations; d++) {
					published[d] = load.sentOn(streams[d]);
				}
				return published;
			});
			List<StompConnection> resumed = new ArrayList<>();
			load.call(() -> {
				// on the event loop, which reads the connections
				for (int i = 0; i < subscribers.size(); i++) {
					int d = destinationOf.get(i);
					StompConnection c = load.newConnection();
					c.resume(subscribers.get(i), base + d, streams[d]);
					resumed.add(c);
				}
				return null;
			});
			long openNanos = load.openAll(200, this.scale.openTimeoutMillis());
			long caughtUp = -1;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < deadline) {
				boolean all = load.call(() -> {
					for (int i = 0; i < resumed.size(); i++) {
						int d = destinationOf.get(i);
						if (resumed.get(i).tracker.last(streams[d]) < target[d]) {
							return false;
						}
					}
					return true;
				});
				if (all) {
					caughtUp = System.nanoTime() - resumedAt;
					break;
				}
				Thread.sleep(1);
			}
			load.stopPublishing();
			load.drain(10_000);
			long replayed = 0;
			for (int i = 0; i < before.length; i++) {
				replayed += target[destinationOf.get(i)] - before[i];
			}
			row.put("subscribers", subscribers.size());
			row.put("destinations", destinations);
			row.put("publish_rate", rate);
			row.put("pause_ms", pauseMillis);
			row.put("reconnect_ms", (openNanos < 0) ? -1 : round(openNanos / 1e6));
			row.put("catch_up_ms", (caughtUp < 0) ? -1 : round(caughtUp / 1e6));
			row.put("replayed", replayed);
			row.put("replayed_per_sec", (caughtUp <= 0) ? 0 : round(replayed * 1e9 / caughtUp));
			row.put("not_recovered", load.call(load::notRecoveredCount));
			row.put("delivered_per_sec", round(steady.deliveredPerSec()));
			latency(row, steady.latency());
			finish(load, row, steady.cpu());
			if (caughtUp < 0) {
				row.put("error", "not every subscriber caught up within 60 s of the resume");
			}
			return row;
		}
	}

	/** Rooms of 10 members, every member publishing to its room at a modest rate. */
	Map<String, Object> chat() throws Exception {
		int members = 10;
		try (Load load = new Load(this.settings)) {
			for (int room = 0; room < this.scale.chatRooms(); room++) {
				String destination = "/topic/chat.room" + room;
				List<StompConnection> roomMembers = new ArrayList<>();
				int[] streams = new int[members];
				for (int m = 0; m < members; m++) {
					StompConnection c = load.newConnection();
					roomMembers.add(c);
					streams[m] = load.publication(c, destination);
				}
				for (StompConnection c : roomMembers) {
					c.subscribe(destination, streams);
				}
			}
			Map<String, Object> row = row("chat");
			if (!open(load, row)) {
				return row;
			}
			load.startRate(this.scale.chatRooms() * members * this.scale.chatMemberRate());
			Phase phase = phase(load, true);
			load.stopPublishing();
			load.drain(10_000);
			row.put("delivered_per_sec", round(phase.deliveredPerSec()));
			latency(row, phase.latency());
			row.put("connections", this.scale.chatRooms() * members);
			finish(load, row, phase.cpu());
			return row;
		}
	}

	/**
	 * Opens many subscribed connections: connect rate and broker memory per connection.
	 */
	Map<String, Object> connections() throws Exception {
		int n = this.scale.connections();
		try (Load load = new Load(this.settings)) {
			for (int i = 0; i < n; i++) {
				load.newConnection().subscribe("/topic/idle." + (i % 100));
			}
			Map<String, Object> row = row("connections");
			long heapBefore = this.broker.heapAfterGcBytes();
			long rssBefore = this.broker.rssBytes();
			Cpu.Sample cpuBefore = Cpu.sample();
			long wallBefore = System.nanoTime();
			long openNanos = load.openAll(OPEN_CONCURRENCY, this.scale.openTimeoutMillis());
			Cpu.Usage cpu = Cpu.between(cpuBefore, Cpu.sample(), this.generatorCore, this.brokerCore);
			int ready = load.readyCount();
			Thread.sleep(500);
			long heapAfter = this.broker.heapAfterGcBytes();
			long rssAfter = this.broker.rssBytes();
			row.put("connections", ready);
			long elapsed = (openNanos > 0) ? openNanos : System.nanoTime() - wallBefore;
			row.put("connect_per_sec", round(ready * 1e9 / elapsed));
			if (ready < n) {
				row.put("error", "only " + ready + " of " + n + " connections became ready");
			}
			// A broker that exited (out of memory) has no RSS after: no figure, and say
			// so.
			row.put("rss_bytes_per_connection",
					(rssBefore > 0 && rssAfter > 0 && ready > 0) ? (rssAfter - rssBefore) / ready : null);
			row.put("heap_bytes_per_connection",
					(heapBefore > 0 && heapAfter > 0 && ready > 0) ? (heapAfter - heapBefore) / ready : null);
			if (this.broker.known() && rssAfter <= 0) {
				row.put("error", "the broker process was gone after " + ready + " connections were ready");
			}
			Thread.sleep(Generator.holdMillis);
			row.put("rss_before_bytes", (rssBefore > 0) ? rssBefore : null);
			row.put("rss_after_bytes", (rssAfter > 0) ? rssAfter : null);
			finish(load, row, cpu);
			return row;
		}
	}

	/**
	 * 100 subscribers, one of them stops reading; the other 99 against a run without it.
	 */
	Map<String, Object> slowConsumer() throws Exception {
		Map<String, Object> baseline = slowRun(false);
		Map<String, Object> row = slowRun(true);
		compareWithBaseline(row, baseline, "delivered_per_sec");
		row.put("baseline_lost", baseline.get("lost"));
		return row;
	}

	private Map<String, Object> slowRun(boolean stopOne) throws Exception {
		int publishers = 4;
		try (Load load = new Load(this.settings)) {
			int[] streams = new int[publishers];
			for (int p = 0; p < publishers; p++) {
				streams[p] = load.publication(load.newConnection(), "/topic/slow");
			}
			List<StompConnection> subscribers = new ArrayList<>();
			for (int i = 0; i < this.scale.slowSubscribers(); i++) {
				StompConnection c = load.newConnection();
				c.subscribe("/topic/slow", streams);
				subscribers.add(c);
			}
			StompConnection slow = subscribers.get(0);
			slow.counted = false;
			Map<String, Object> row = row("slow-consumer");
			if (!open(load, row)) {
				return row;
			}
			load.startWindow(messages(this.scale.slowSubscribers() - 1), this.scale.slowSubscribers() - 1);
			Thread.sleep(this.scale.warmupMillis());
			if (stopOne) {
				load.call(() -> slow.channel().config().setAutoRead(false));
			}
			Watched watched = watch(load);
			List<Long> rss = watched.rss();
			Load.Counters start = watched.start();
			Load.Counters stop = watched.stop();
			Histogram latency = load.latencyCopy();
			load.stopPublishing();
			load.drain(10_000);
			double seconds = (stop.nanos() - start.nanos()) / 1e9;
			row.put("delivered_per_sec", round((stop.delivered() - start.delivered()) / seconds));
			latency(row, latency);
			row.put("slow_subscriber", stopOne);
			if (this.broker.known()) {
				row.put("broker_rss_mb_over_time", rss.stream().map((b) -> b / (1024 * 1024)).toList());
			}
			if (stopOne) {
				row.put("slow_subscriber_closed_by_broker", !load.call(() -> slow.channel().isActive()));
				load.call(() -> slow.channel().config().setAutoRead(true));
			}
			finish(load, row, watched.cpu());
			return row;
		}
	}

	/**
	 * Subscribers of every price, {@code /topic/conflate.*} over 1,000 symbols (for which
	 * bench/run.sh starts Herald with {@code slow-consumer: conflate}), one in ten
	 * reading a tenth of the bytes the feed sends it (a small socket receive buffer, a
	 * fixed read every 10 ms): the others' delivered/s and p99 against a run without slow
	 * ones, the slow ones' staleness (the age of the values they get) and what conflation
	 * spared them, the broker's RSS over time. A third run, the baseline's load on topics
	 * without a rule, shows what the rule costs subscribers that keep up.
	 */
	Map<String, Object> conflation() throws Exception {
		Map<String, Object> plain = conflationRun("/topic/plain", false, 0);
		Map<String, Object> baseline = conflationRun("/topic/conflate", false, 0);
		Object bytesPerDelivery = baseline.get("bytes_per_delivery");
		if (!(bytesPerDelivery instanceof Number perDelivery)) {
			return baseline;
		}
		Map<String, Object> row = conflationRun("/topic/conflate", true, perDelivery.doubleValue());
		row.put("baseline_delivered_per_sec_per_subscriber", baseline.get("delivered_per_sec_per_subscriber"));
		// per subscriber: the slow run counts only the nine in ten that keep up
		compareWithBaseline(row, baseline, "delivered_per_sec_per_subscriber");
		row.put("without_rule_delivered_per_sec_per_subscriber", plain.get("delivered_per_sec_per_subscriber"));
		row.put("without_rule_p99_ms", plain.get("p99_ms"));
		return row;
	}

	/**
	 * Two nodes of a cluster sharing a topic through RabbitMQ: a publisher on the first
	 * at a fixed rate, subscribers split between the two; delivered/s, the latency of
	 * each node's subscribers (the second's through RabbitMQ), the RabbitMQ connections
	 * Herald's nodes hold while they serve them all.
	 */
	Map<String, Object> cluster() throws Exception {
		Map<String, Object> row = row("cluster");
		if (this.secondNode == null) {
			row.put("error",
					"the cluster scenario needs a second node (--uri-b; bench/run.sh --target herald-cluster)");
			return row;
		}
		int subscribers = Math.min(1_000, this.scale.fanoutSubscribers());
		double rate = 200;
		String topic = "/topic/cluster.run" + Long.toString(System.nanoTime(), 36);
		try (Load load = new Load(this.settings)) {
			load.secondNode(this.secondNode);
			StompConnection publisher = load.newConnection();
			int stream = load.publication(publisher, topic);
			int remote = 0;
			for (int i = 0; i < subscribers; i++) {
				StompConnection c = load.newConnection();
				c.remote = i % 2 == 1;
				remote += c.remote ? 1 : 0;
				c.subscribe(topic, stream);
			}
			if (!open(load, row)) {
				return row;
			}
			load.startRate(rate);
			Thread.sleep(this.scale.warmupMillis());
			Watched watched = watch(load);
			Load.Counters start = watched.start();
			Load.Counters stop = watched.stop();
			Histogram latency = load.latencyCopy();
			Histogram remoteLatency = load.slowLatencyCopy();
			long connections = rabbitConnections();
			load.stopPublishing();
			load.drain(10_000);
			double seconds = (stop.nanos() - start.nanos()) / 1e9;
			row.put("delivered_per_sec", round((stop.delivered() - start.delivered()) / seconds));
			latency(row, latency);
			latency(row, "remote_", remoteLatency);
			row.put("subscribers", subscribers);
			row.put("subscribers_on_second_node", remote);
			row.put("publish_rate", rate);
			row.put("rabbitmq_connections", connections);
			finish(load, row, watched.cpu());
			return row;
		}
	}

	/**
	 * The connections open to the local RabbitMQ now, AMQP (5672) or STOMP (61613): all
	 * the target's during a run (Herald nodes' AMQP links, Spring relays' STOMP
	 * sessions). Read from the kernel's socket tables (their server side), or -1 if
	 * unreadable.
	 */
	private static long rabbitConnections() {
		long count = 0;
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			try {
				for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
					String[] fields = line.trim().split("\\s+");
					if (fields.length < 4 || !fields[3].equals("01")) {
						continue;
					}
					String local = fields[1];
					int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
					if (port == 5672 || port == 61613) {
						count++;
					}
				}
			}
			catch (java.io.IOException | RuntimeException ex) {
				return -1;
			}
		}
		return count;
	}

	/**
	 * Puts the baseline run's delivered/s and p99 beside the row's, and the ratio of the
	 * two runs' {@code figure} as {@code throughput_vs_baseline}.
	 */
	private static void compareWithBaseline(Map<String, Object> row, Map<String, Object> baseline, String figure) {
		row.put("baseline_delivered_per_sec", baseline.get("delivered_per_sec"));
		row.put("baseline_p99_ms", baseline.get("p99_ms"));
		Object slow = row.get(figure);
		Object base = baseline.get(figure);
		if (slow instanceof Number s && base instanceof Number b && b.doubleValue() > 0) {
			row.put("throughput_vs_baseline", Math.round(s.doubleValue() / b.doubleValue() * 1000) / 1000.0);
		}
	}

	/**
	 * @param root the topics' first segment: {@code /topic/conflate} has the rule
	 * @param bytesPerDelivery what one delivery costs on the wire (the baseline run
	 * measures it), for the slow readers' byte rate
	 */
	private Map<String, Object> conflationRun(String root, boolean slowOnes, double bytesPerDelivery) throws Exception {
		int symbols = 1_000;
		int subscribers = Math.min(1_000, this.scale.fanoutSubscribers());
		double rate = 500;
		String prefix = root + ".run" + Long.toString(System.nanoTime(), 36) + ".";
		try (Load load = new Load(this.settings)) {
			StompConnection publisher = load.newConnection();
			int[] streams = new int[symbols];
			for (int s = 0; s < symbols; s++) {
				streams[s] = load.publication(publisher, prefix + "SYM" + s);
			}
			List<StompConnection> slow = new ArrayList<>();
			for (int i = 0; i < subscribers; i++) {
				StompConnection c = load.newConnection();
				c.subscribe(prefix + "*", streams);
				if (slowOnes && i % 10 == 0) {
					c.counted = false;
					c.slowReader = true;
					slow.add(c);
				}
			}
			Map<String, Object> row = row("conflation");
			if (!open(load, row)) {
				return row;
			}
			int readBytes = 0;
			if (slowOnes) {
				// a tenth of the feed's bytes: a read of a hundredth of that every 10 ms
				readBytes = (int) Math.max(64, Math.round(rate * bytesPerDelivery / 10 / 100));
				load.throttle(slow, readBytes, 10);
			}
			load.startRate(rate);
			Thread.sleep(this.scale.warmupMillis());
			Watched watched = watch(load);
			List<Long> rss = watched.rss();
			Load.Counters start = watched.start();
			Load.Counters stop = watched.stop();
			Histogram latency = load.latencyCopy();
			Histogram staleness = load.slowLatencyCopy();
			load.stopPublishing();
			long conflated = load.call(load::conflatedCount);
			if (slowOnes) {
				load.unthrottle(slow);
			}
			load.drain(10_000);
			double seconds = (stop.nanos() - start.nanos()) / 1e9;
			row.put("delivered_per_sec", round((stop.delivered() - start.delivered()) / seconds));
			row.put("delivered_per_sec_per_subscriber",
					Math.round((stop.delivered() - start.delivered()) / seconds / (subscribers - slow.size()) * 10)
							/ 10.0);
			latency(row, latency);
			latency(row, "staleness_", staleness);
			row.put("subscribers", subscribers);
			row.put("slow_subscribers", slow.size());
			if (slowOnes) {
				row.put("slow_read_bytes_per_10ms", readBytes);
				row.put("slow_conflated", conflated);
				row.put("slow_reordered", load.call(() -> slow.stream().mapToLong((c) -> c.tracker.reordered()).sum()));
			}
			else {
				long bytes = load.call(() -> load.connections().stream().mapToLong((c) -> c.bytesRead).sum());
				long delivered = load.verdict().delivered();
				row.put("bytes_per_delivery", (delivered > 0) ? Math.round(bytes * 10.0 / delivered) / 10.0 : null);
			}
			row.put("symbols", symbols);
			row.put("publish_rate", rate);
			row.put("slow_ones", slowOnes);
			if (this.broker.known()) {
				row.put("broker_rss_mb_over_time", rss.stream().map((b) -> b / (1024 * 1024)).toList());
			}
			finish(load, row, watched.cpu());
			return row;
		}
	}

	/**
	 * One measured phase of {@code measureMillis}, with the broker's RSS sampled every
	 * 250 ms: for the scenarios that show memory staying flat.
	 */
	private Watched watch(Load load) throws Exception {
		List<Long> rss = new ArrayList<>();
		Cpu.Sample cpuStart = Cpu.sample();
		Load.Counters start = load.measure(true);
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.scale.measureMillis());
		while (System.nanoTime() < end) {
			rss.add(this.broker.rssBytes());
			Thread.sleep(Math.min(250, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
		}
		Load.Counters stop = load.measure(false);
		Cpu.Sample cpuStop = Cpu.sample();
		return new Watched(start, stop, rss, Cpu.between(cpuStart, cpuStop, this.generatorCore, this.brokerCore));
	}

	private record Watched(Load.Counters start, Load.Counters stop, List<Long> rss, Cpu.Usage cpu) {
	}

	/** The in-flight window in messages: deliveries in flight over the fan-out degree. */
	private int messages(int fanoutDegree) {
		return Math.max(1, this.scale.window() / fanoutDegree);
	}

	private Phase phase(Load load, boolean record) throws Exception {
		Thread.sleep(this.scale.warmupMillis());
		Cpu.Sample cpuStart = Cpu.sample();
		Load.Counters start = load.measure(record);
		Thread.sleep(this.scale.measureMillis());
		Load.Counters stop = load.measure(false);
		Cpu.Sample cpuStop = Cpu.sample();
		double seconds = (stop.nanos() - start.nanos()) / 1e9;
		return new Phase((stop.delivered() - start.delivered()) / seconds,
				Cpu.between(cpuStart, cpuStop, this.generatorCore, this.brokerCore),
				record ? load.latencyCopy() : null);
	}

	private boolean open(Load load, Map<String, Object> row) throws Exception {
		return open(load, row, this.scale.openTimeoutMillis(), this.settings.receipts());
	}

	/**
	 * Opens every connection of a scenario, or says in the row why it could not.
	 * @param receipts whether the target answers SUBSCRIBE receipts
	 * @return whether all became ready
	 */
	static boolean open(Load load, Map<String, Object> row, long openTimeoutMillis, boolean receipts) throws Exception {
		long nanos = load.openAll(OPEN_CONCURRENCY, openTimeoutMillis);
		int ready = load.readyCount();
		if (nanos < 0 || ready < load.connections().size()) {
			Load.Verdict v = load.verdict();
			row.put("error", "only " + ready + " of " + load.connections().size() + " connections became ready");
			row.put("errors", v.errors());
			return false;
		}
		if (!receipts) {
			// Without receipts nothing says when a subscription is active: give the
			// broker time.
			Thread.sleep(1000);
		}
		return true;
	}

	private Map<String, Object> row(String scenario) {
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("scenario", scenario);
		row.put("target", this.target);
		row.put("delivered_per_sec", null);
		row.put("p50_ms", null);
		row.put("p99_ms", null);
		row.put("p999_ms", null);
		row.put("lost", null);
		row.put("duplicated", null);
		row.put("reordered", null);
		row.put("generator_bound", null);
		return row;
	}

	private void finish(Load load, Map<String, Object> row, Cpu.Usage cpu) throws Exception {
		Load.Verdict v = load.verdict();
		verdict(row, v, cpu);
		row.put("clean", v.lost() == 0 && v.duplicated() == 0 && v.reordered() == 0 && v.foreign() == 0);
	}

	/**
	 * What every scenario reports of its run: loss, duplicates and order, what was sent
	 * and delivered, connection failures, and how busy the cores were.
	 */
	static void verdict(Map<String, Object> row, Load.Verdict v, Cpu.Usage cpu) {
		row.put("lost", v.lost());
		row.put("duplicated", v.duplicated());
		row.put("reordered", v.reordered());
		row.put("generator_cpu", share(cpu.process()));
		row.put("generator_core_busy", share(cpu.generatorCore()));
		row.put("broker_core_busy", share(cpu.brokerCore()));
		row.put("generator_bound", cpu.generatorBound());
		row.put("sent", v.sent());
		row.put("delivered", v.delivered());
		row.put("failed_connections", v.failed());
		row.put("dropped_connections", v.dropped());
		if (v.foreign() > 0) {
			row.put("foreign_messages", v.foreign());
		}
		if (!v.errors().isEmpty()) {
			row.put("errors", v.errors());
		}
	}

	private static void latency(Map<String, Object> row, Histogram h) {
		latency(row, "", h);
	}

	/**
	 * p50, p99 and p99.9 in milliseconds and the sample count, keys named with a prefix.
	 */
	static void latency(Map<String, Object> row, String prefix, Histogram h) {
		if (h == null || h.getTotalCount() == 0) {
			return;
		}
		row.put(prefix + "p50_ms", h.getValueAtPercentile(50) / 1000.0);
		row.put(prefix + "p99_ms", h.getValueAtPercentile(99) / 1000.0);
		row.put(prefix + "p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
		row.put(prefix + "latency_samples", h.getTotalCount());
	}

	private static long round(double v) {
		return Math.round(v);
	}

	static Double share(double value) {
		return (value < 0) ? null : Math.round(value * 100) / 100.0;
	}

	private record Phase(double deliveredPerSec, Cpu.Usage cpu, Histogram latency) {
	}

}
