package io.herald.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The soak scenario of issue 9: every kind of traffic at once for a long time, watching
 * the broker's memory and the correctness of what arrives.
 *
 * <ul>
 * <li>tickers: connections each subscribed to 5 price topics, one publisher at a steady
 * rate;</li>
 * <li>chat: rooms of 10 members, each publishing to its room;</li>
 * <li>queues: competing consumers in {@code client-individual} mode that acknowledge in
 * batches, so that whoever leaves holds a few unacknowledged messages; one leaves every
 * churn period, in turn by DISCONNECT, by UNSUBSCRIBE (its connection stays open until
 * the next turn) and by closing the socket, and a new one joins the same queue;</li>
 * <li>one slow consumer subscribed to every ticker that stops reading: the broker is
 * expected to drop it, which is counted, and its losses are not.</li>
 * </ul>
 *
 * Every sample period (a minute; a third of the run when that is shorter) the broker's
 * RSS, its heap after a full GC (JVM targets) and the delivered rate are recorded. At the
 * end: loss, duplicates and reordering per topic stream ({@link StreamTracker}), and for
 * the queues lost, unflagged duplicates and redelivered copies ({@link QueueLedger}). The
 * scenario thread only sleeps, samples and churns; all traffic is on the {@link Load}'s
 * event loop.
 */
final class Soak {

	private static final int TICKERS_PER_CONNECTION = 5;

	private static final int CHAT_MEMBERS = 10;

	private static final long MINUTE_MILLIS = 60_000;

	private static final long DRAIN_MILLIS = 20_000;

	private final Load.Settings settings;

	private final Plan plan;

	private final BrokerProbe broker;

	private final String target;

	private final int generatorCore;

	private final int brokerCore;

	/**
	 * Counts, rates and durations of a soak run.
	 *
	 * @param durationMillis how long the traffic runs
	 * @param tickerConnections connections subscribed to tickers
	 * @param tickerTopics price topics
	 * @param tickerRate messages per second over all tickers
	 * @param chatRooms rooms of ten members
	 * @param chatMemberRate messages per second of each member
	 * @param queues queues ({@code 0}: none, for targets without competing consumers)
	 * @param consumersPerQueue consumers of each queue at any time
	 * @param queueRate messages per second over all queues
	 * @param churnMillis how often one queue consumer leaves and a new one joins
	 * @param ackMillis how often consumers acknowledge what they received
	 * @param openTimeoutMillis longest wait for the connections to be ready
	 */
	record Plan(long durationMillis, int tickerConnections, int tickerTopics, double tickerRate, int chatRooms,
			double chatMemberRate, int queues, int consumersPerQueue, double queueRate, long churnMillis,
			long ackMillis, long openTimeoutMillis) {

		Plan {
			if (durationMillis <= 0) {
				throw new IllegalArgumentException("soak duration must be positive: " + durationMillis + " ms");
			}
			if (tickerTopics < TICKERS_PER_CONNECTION) {
				throw new IllegalArgumentException("tickerTopics must be at least " + TICKERS_PER_CONNECTION);
			}
			if (queues > 0 && consumersPerQueue < 1) {
				throw new IllegalArgumentException("consumersPerQueue must be at least 1 with queues");
			}
		}

		/** The default load, for {@code minutes} of it. */
		static Plan full(double minutes) {
			return new Plan(Math.round(minutes * MINUTE_MILLIS), 1000, 200, 1000, 50, 1, 10, 3, 200, 2000, 200,
					120_000);
		}

		Plan withoutQueues() {
			return new Plan(this.durationMillis, this.tickerConnections, this.tickerTopics, this.tickerRate,
					this.chatRooms, this.chatMemberRate, 0, this.consumersPerQueue, this.queueRate, this.churnMillis,
					this.ackMillis, this.openTimeoutMillis);
		}

		/** A sample a minute, or three over a run shorter than three minutes. */
		long sampleMillis() {
			return Math.max(1, Math.min(MINUTE_MILLIS, this.durationMillis / 3));
		}

	}

	Soak(Load.Settings settings, Plan plan, BrokerProbe broker, String target, int generatorCore, int brokerCore) {
		this.settings = settings;
		this.plan = plan;
		this.broker = broker;
		this.target = target;
		this.generatorCore = generatorCore;
		this.brokerCore = brokerCore;
	}

	Map<String, Object> run(Map<String, Object> row) throws Exception {
		Plan p = this.plan;
		QueueLedger ledger = new QueueLedger();
		try (Load load = new Load(this.settings)) {
			int[] tickerStreams = tickers(load);
			int[] chatStreams = chat(load);
			StompConnection slow = load.newConnection();
			for (int t = 0; t < p.tickerTopics(); t++) {
				slow.subscribe("/topic/prices.SYM" + t, tickerStreams[t]);
			}
			slow.counted = false;
			slow.dropExpected = true;
			List<List<StompConnection>> consumers = new ArrayList<>();
			int[] queueStreams = queues(load, ledger, consumers);
			if (!Scenarios.open(load, row, this.plan.openTimeoutMillis(), this.settings.receipts())) {
				return row;
			}
			load.call(() -> slow.channel().config().setAutoRead(false));
			Cpu.Sample cpuStart = Cpu.sample();
			Load.Counters start = load.measure(true);
			load.startRate(p.tickerRate(), tickerStreams);
			load.startRate(p.chatRooms() * CHAT_MEMBERS * p.chatMemberRate(), chatStreams);
			load.startRate(p.queueRate(), queueStreams);
			if (p.queues() > 0) {
				load.every(p.ackMillis(), () -> consumers.forEach((q) -> q.forEach(StompConnection::flushAcks)));
			}
			QueueChurn churn = new QueueChurn(load, ledger, consumers, p.openTimeoutMillis());
			List<Map<String, Object>> samples = new ArrayList<>();
			long end = start.nanos() + TimeUnit.MILLISECONDS.toNanos(p.durationMillis());
			long nextSample = start.nanos() + TimeUnit.MILLISECONDS.toNanos(p.sampleMillis());
			long nextChurn = start.nanos() + TimeUnit.MILLISECONDS.toNanos(p.churnMillis());
			Load.Counters previous = start;
			// Bounded: every pass sleeps until the next churn, sample or the end.
			while (true) {
				long wake = Math.min(end, Math.min(nextSample, (p.queues() > 0) ? nextChurn : Long.MAX_VALUE));
				long sleep = TimeUnit.NANOSECONDS.toMillis(wake - System.nanoTime()) + 1;
				if (sleep > 0) {
					Thread.sleep(sleep);
				}
				long now = System.nanoTime();
				if (now >= end) {
					samples.add(sample(start, previous, load.counters()));
					break;
				}
				if (p.queues() > 0 && now >= nextChurn) {
					churn.turn();
					nextChurn += TimeUnit.MILLISECONDS.toNanos(p.churnMillis());
				}
				if (now >= nextSample) {
					Load.Counters counters = load.counters();
					samples.add(sample(start, previous, counters));
					previous = counters;
					nextSample += TimeUnit.MILLISECONDS.toNanos(p.sampleMillis());
				}
			}
			Load.Counters stop = load.measure(false);
			Cpu.Sample cpuStop = Cpu.sample();
			Histogram latency = load.latencyCopy();
			load.stopPublishing();
			// Consumers keep acknowledging while the queues drain.
			if (p.queues() > 0) {
				load.every(p.ackMillis(), () -> consumers.forEach((q) -> q.forEach(StompConnection::flushAcks)));
			}
			load.drain(DRAIN_MILLIS);
			load.stopPublishing();
			double seconds = (stop.nanos() - start.nanos()) / 1e9;
			row.put("delivered_per_sec", Math.round((stop.delivered() - start.delivered()) / seconds));
			Scenarios.latency(row, "", latency);
			row.put("minutes", Math.round(p.durationMillis() / 600.0) / 100.0);
			row.put("samples", samples);
			Load.Verdict v = load.verdict();
			Map<String, Object> queues = queueFigures(load, ledger, churn, p);
			boolean slowDropped = slowConsumerDropped(load, slow);
			finish(row, v, Cpu.between(cpuStart, cpuStop, this.generatorCore, this.brokerCore), queues, slowDropped);
			return row;
		}
	}

	private int[] tickers(Load load) {
		Plan p = this.plan;
		StompConnection publisher = load.newConnection();
		int[] streams = new int[p.tickerTopics()];
		for (int t = 0; t < streams.length; t++) {
			streams[t] = load.publication(publisher, "/topic/prices.SYM" + t);
		}
		Random random = new Random(42);
		for (int i = 0; i < p.tickerConnections(); i++) {
			StompConnection c = load.newConnection();
			random.ints(0, streams.length)
				.distinct()
				.limit(TICKERS_PER_CONNECTION)
				.forEach((t) -> c.subscribe("/topic/prices.SYM" + t, streams[t]));
		}
		return streams;
	}

	private int[] chat(Load load) {
		int[] all = new int[this.plan.chatRooms() * CHAT_MEMBERS];
		for (int room = 0; room < this.plan.chatRooms(); room++) {
			String destination = "/topic/chat.room" + room;
			List<StompConnection> members = new ArrayList<>();
			int[] streams = new int[CHAT_MEMBERS];
			for (int m = 0; m < CHAT_MEMBERS; m++) {
				StompConnection c = load.newConnection();
				members.add(c);
				streams[m] = load.publication(c, destination);
				all[room * CHAT_MEMBERS + m] = streams[m];
			}
			for (StompConnection c : members) {
				c.subscribe(destination, streams);
			}
		}
		return all;
	}

	private int[] queues(Load load, QueueLedger ledger, List<List<StompConnection>> consumers) {
		int[] streams = new int[this.plan.queues()];
		if (streams.length == 0) {
			return streams;
		}
		StompConnection publisher = load.newConnection();
		for (int q = 0; q < streams.length; q++) {
			streams[q] = load.publication(publisher, queueName(q));
			ledger.expect(streams[q]);
			List<StompConnection> members = new ArrayList<>();
			for (int i = 0; i < this.plan.consumersPerQueue(); i++) {
				StompConnection c = load.newConnection();
				c.consume(queueName(q), ledger);
				members.add(c);
			}
			consumers.add(members);
		}
		return streams;
	}

	static String queueName(int q) {
		return "/queue/soak.q" + q;
	}

	private Map<String, Object> sample(Load.Counters start, Load.Counters previous, Load.Counters now) {
		Map<String, Object> s = new LinkedHashMap<>();
		double elapsed = (now.nanos() - start.nanos()) / 1e9;
		double interval = (now.nanos() - previous.nanos()) / 1e9;
		s.put("elapsed_s", Math.round(elapsed));
		long rss = this.broker.rssBytes();
		s.put("rss_mb", (rss > 0) ? mebibytes(rss) : null);
		long heap = this.broker.heapAfterGcBytes();
		s.put("heap_after_gc_mb", (heap > 0) ? mebibytes(heap) : null);
		s.put("delivered_per_sec_so_far", Math.round((now.delivered() - start.delivered()) / elapsed));
		s.put("delivered_per_sec", Math.round((now.delivered() - previous.delivered()) / interval));
		s.put("sent", now.sent() - start.sent());
		System.out.println("SAMPLE " + s);
		return s;
	}

	/**
	 * Whether the broker dropped the slow consumer. A close queued behind data the
	 * consumer never read cannot be seen without reading, so it reads again and waits
	 * (bounded) for the end of what was buffered.
	 */
	private static boolean slowConsumerDropped(Load load, StompConnection slow) throws Exception {
		load.call(() -> slow.channel().config().setAutoRead(true));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		while (System.nanoTime() < deadline) {
			if (!load.call(() -> slow.channel().isActive())) {
				return true;
			}
			Thread.sleep(50);
		}
		return false;
	}

	private static double mebibytes(long bytes) {
		return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
	}

	private static Map<String, Object> queueFigures(Load load, QueueLedger ledger, QueueChurn churn, Plan p)
			throws Exception {
		Map<String, Object> queues = new LinkedHashMap<>();
		if (p.queues() == 0) {
			return queues;
		}
		return load.call(() -> {
			long[] sent = load.sentPerPublication();
			queues.put("queue_sent", ledger.sent(sent));
			queues.put("queue_received", ledger.received());
			queues.put("queue_lost", ledger.lost(sent));
			queues.put("queue_unflagged_duplicates", ledger.unflaggedDuplicates());
			queues.put("queue_redelivered", ledger.redelivered());
			queues.put("queue_consumers_joined", churn.joined());
			queues.put("queue_consumers_left", churn.left());
			return queues;
		});
	}

	private static void finish(Map<String, Object> row, Load.Verdict v, Cpu.Usage cpu, Map<String, Object> queues,
			boolean slowDropped) {
		Scenarios.verdict(row, v, cpu);
		row.putAll(queues);
		row.put("slow_consumer_dropped", slowDropped);
		boolean queuesClean = queues.isEmpty() || (Long.valueOf(0).equals(queues.get("queue_lost"))
				&& Long.valueOf(0).equals(queues.get("queue_unflagged_duplicates")));
		row.put("clean", v.lost() == 0 && v.duplicated() == 0 && v.reordered() == 0 && v.foreign() == 0 && queuesClean
				&& v.dropped() == 0);
	}

}
