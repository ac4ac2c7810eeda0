package io.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a run's JSON array into the Markdown table and the PNG chart of
 * {@code bench/results/}.
 *
 * <pre>
 * Report RESULTS.json OUT.md OUT.png MACHINE COMMAND
 * Report --append RESULTS.json MORE.json
 * </pre>
 */
public final class Report {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Scenarios that publish as fast as the window allows; the others run at a fixed
	 * rate.
	 */
	private static final Set<String> MAX_RATE_SCENARIOS = Set.of("fanout", "slow-consumer");

	private Report() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		if (args.length == 3 && args[0].equals("--append")) {
			Generator.append(Path.of(args[1]), read(Path.of(args[2])));
			return;
		}
		if (args.length < 3) {
			throw new IllegalArgumentException("usage: Report RESULTS.json OUT.md OUT.png [MACHINE] [COMMAND]");
		}
		List<Map<String, Object>> rows = read(Path.of(args[0]));
		String machine = (args.length > 3) ? args[3] : "";
		String command = (args.length > 4) ? args[4] : "";
		Files.writeString(Path.of(args[1]), markdown(rows, machine, command, Path.of(args[2]).getFileName()));
		chart(rows, Path.of(args[2]));
	}

	static List<Map<String, Object>> read(Path file) throws IOException {
		return JSON.readValue(file.toFile(), new TypeReference<List<Map<String, Object>>>() {
		});
	}

	static String markdown(List<Map<String, Object>> rows, String machine, String command, Path png) {
		StringBuilder md = new StringBuilder();
		md.append(
				"| scenario | target | delivered/s | p50 ms | p99 ms | p99.9 ms | lost | dup | reord | generator-bound | notes |\n");
		md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
		for (Map<String, Object> row : rows) {
			md.append("| ")
				.append(row.get("scenario"))
				.append(" | ")
				.append(row.get("target"))
				.append(" | ")
				.append(number(row.get("delivered_per_sec")))
				.append(" | ")
				.append(number(row.get("p50_ms")))
				.append(" | ")
				.append(number(row.get("p99_ms")))
				.append(" | ")
				.append(number(row.get("p999_ms")))
				.append(" | ")
				.append(number(row.get("lost")))
				.append(" | ")
				.append(number(row.get("duplicated")))
				.append(" | ")
				.append(number(row.get("reordered")))
				.append(" | ")
				.append(Boolean.TRUE.equals(row.get("generator_bound")) ? "**yes**" : "no")
				.append(" | ")
				.append(notes(row))
				.append(" |\n");
		}
		md.append('\n');
		soakSamples(md, rows);
		if (!machine.isEmpty()) {
			md.append("Machine: ").append(machine).append(". Broker on CPU 0, generator on CPU 1.\n\n");
		}
		if (!command.isEmpty()) {
			md.append("Command: `").append(command).append("`\n\n");
		}
		md.append("![chart](").append(png).append(")\n");
		return md.toString();
	}

	/** The soak rows' samples, one table per row: memory and rate over the run. */
	private static void soakSamples(StringBuilder md, List<Map<String, Object>> rows) {
		for (Map<String, Object> row : rows) {
			if (!(row.get("samples") instanceof List<?> samples) || samples.isEmpty()) {
				continue;
			}
			md.append("### soak, ").append(row.get("target")).append(": every sample\n\n");
			md.append(
					"| elapsed s | broker RSS MiB | heap after GC MiB | delivered/s so far | delivered/s since last |\n");
			md.append("|--:|--:|--:|--:|--:|\n");
			for (Object o : samples) {
				if (o instanceof Map<?, ?> sample) {
					md.append("| ")
						.append(number(sample.get("elapsed_s")))
						.append(" | ")
						.append(number(sample.get("rss_mb")))
						.append(" | ")
						.append(number(sample.get("heap_after_gc_mb")))
						.append(" | ")
						.append(number(sample.get("delivered_per_sec_so_far")))
						.append(" | ")
						.append(number(sample.get("delivered_per_sec")))
						.append(" |\n");
				}
			}
			md.append('\n');
		}
	}

	private static String notes(Map<String, Object> row) {
		List<String> notes = new ArrayList<>();
		if ("soak".equals(row.get("scenario")) && row.get("minutes") != null) {
			notes.add(row.get("minutes") + " min");
			if (row.get("queue_sent") != null) {
				notes.add("queues: " + number(row.get("queue_sent")) + " sent, " + number(row.get("queue_lost"))
						+ " lost, " + number(row.get("queue_unflagged_duplicates")) + " unflagged dup, "
						+ number(row.get("queue_redelivered")) + " redelivered, "
						+ number(row.get("queue_consumers_joined")) + " consumers joined");
			}
			else {
				notes.add("no queues");
			}
			notes.add(Boolean.TRUE.equals(row.get("slow_consumer_dropped")) ? "slow consumer dropped"
					: "slow consumer not dropped");
		}
		if ("connections".equals(row.get("scenario")) && row.get("connections") != null) {
			notes.add(row.get("connections") + " conns, " + number(row.get("connect_per_sec")) + " conn/s, RSS "
					+ bytes(row.get("rss_bytes_per_connection")) + "/conn, heap "
					+ bytes(row.get("heap_bytes_per_connection")) + "/conn");
		}
		if (row.get("latency_rate_delivered_per_sec") != null) {
			boolean fixed = Boolean.TRUE.equals(row.get("latency_rates_fixed"));
			notes.add("latency at " + number(row.get("latency_rate_delivered_per_sec")) + "/s ("
					+ (fixed ? "fixed rate" : "half") + ")");
		}
		if (row.get("quarter_p99_ms") != null) {
			boolean fixed = Boolean.TRUE.equals(row.get("latency_rates_fixed"));
			notes.add((fixed ? "at the second fixed rate (" : "at a quarter (")
					+ number(row.get("quarter_rate_delivered_per_sec")) + "/s): p50 " + row.get("quarter_p50_ms")
					+ ", p99 " + row.get("quarter_p99_ms") + ", p99.9 " + row.get("quarter_p999_ms") + " ms");
		}
		if (row.get("broker_core_busy") != null || row.get("generator_core_busy") != null) {
			notes.add("busy: broker core " + percent(row.get("broker_core_busy")) + ", generator core "
					+ percent(row.get("generator_core_busy")) + " (generator itself "
					+ percent(row.get("generator_cpu")) + ")");
		}
		if (row.get("staleness_p99_ms") != null) {
			notes.add(row.get("slow_subscribers") + " of " + row.get("subscribers") + " subscribers reading "
					+ row.get("slow_read_bytes_per_10ms")
					+ " bytes per 10 ms (a tenth of the feed): their values' age p50 "
					+ number(row.get("staleness_p50_ms")) + " ms, p99 " + number(row.get("staleness_p99_ms")) + " ms, "
					+ number(row.get("staleness_latency_samples")) + " delivered, " + number(row.get("slow_conflated"))
					+ " conflated away, " + row.get("slow_reordered") + " older after newer; the others "
					+ row.get("delivered_per_sec_per_subscriber") + " deliveries/s each, "
					+ row.get("baseline_delivered_per_sec_per_subscriber") + " without slow ones, "
					+ row.get("without_rule_delivered_per_sec_per_subscriber") + " on topics without the rule (p99 "
					+ number(row.get("without_rule_p99_ms")) + " ms)");
		}
		if (row.get("rabbitmq_connections") != null) {
			notes.add(row.get("subscribers_on_second_node") + " of " + row.get("subscribers")
					+ " subscribers on the second node, through RabbitMQ: p50 " + number(row.get("remote_p50_ms"))
					+ " ms, p99 " + number(row.get("remote_p99_ms")) + " ms; one publisher at "
					+ number(row.get("publish_rate")) + "/s on the first; RabbitMQ connections of the nodes: "
					+ row.get("rabbitmq_connections"));
		}
		if (row.get("catch_up_ms") != null) {
			notes.add(row.get("subscribers") + " subscribers of " + row.get("destinations")
					+ " topics dropped at once, " + "resumed after " + number(row.get("pause_ms"))
					+ " ms: all caught up " + number(row.get("catch_up_ms"))
					+ " ms after the resume (reconnecting took " + number(row.get("reconnect_ms")) + " ms), "
					+ number(row.get("replayed")) + " messages replayed, " + number(row.get("replayed_per_sec"))
					+ " replayed/s, " + row.get("not_recovered") + " not recovered");
		}
		if (row.get("baseline_delivered_per_sec") != null) {
			notes.add("without the slow one: " + number(row.get("baseline_delivered_per_sec")) + "/s, p99 "
					+ number(row.get("baseline_p99_ms")) + " ms; ratio " + row.get("throughput_vs_baseline"));
		}
		if (Boolean.TRUE.equals(row.get("slow_subscriber_closed_by_broker"))) {
			notes.add("slow subscriber disconnected by the broker");
		}
		if (row.get("dropped_connections") instanceof Number n && n.intValue() > 0) {
			notes.add(n + " connections dropped");
		}
		if (row.get("failed_connections") instanceof Number n && n.intValue() > 0) {
			notes.add(n + " connections failed");
		}
		if (row.get("error") != null) {
			notes.add("error: " + row.get("error"));
		}
		if (Boolean.FALSE.equals(row.get("receipts"))) {
			notes.add("no SUBSCRIBE receipts");
		}
		return String.join("; ", notes).replace('|', '/');
	}

	private static String number(Object value) {
		if (value == null) {
			return "–";
		}
		if (value instanceof Double d) {
			return String.format(Locale.ROOT, d < 10 ? "%.2f" : "%.1f", d);
		}
		if (value instanceof Number n) {
			return String.format(Locale.ROOT, "%,d", n.longValue());
		}
		return String.valueOf(value);
	}

	private static String percent(Object value) {
		return (value instanceof Number n) ? Math.round(n.doubleValue() * 100) + " %" : "–";
	}

	private static String bytes(Object value) {
		if (!(value instanceof Number n)) {
			return "–";
		}
		return String.format(Locale.ROOT, "%.1f KiB", n.doubleValue() / 1024);
	}

	static void chart(List<Map<String, Object>> rows, Path png) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Set<String> targets = new LinkedHashSet<>();
		Set<String> scenarios = new LinkedHashSet<>();
		for (Map<String, Object> row : rows) {
			targets.add(String.valueOf(row.get("target")));
			if (!"connections".equals(row.get("scenario"))) {
				scenarios.add(String.valueOf(row.get("scenario")));
			}
		}
		List<String> scenarioList = new ArrayList<>(scenarios);
		CategoryChart throughput = chart("Maximum delivered messages/s (one broker core)", "delivered/s");
		CategoryChart p99 = chart("p99 latency, ms", "ms");
		CategoryChart memory = chart("Broker memory per connection, KiB", "KiB");
		for (String target : targets) {
			List<Double> delivered = new ArrayList<>();
			List<Double> latency = new ArrayList<>();
			for (String scenario : scenarioList) {
				Map<String, Object> row = find(rows, scenario, target);
				if (MAX_RATE_SCENARIOS.contains(scenario)) {
					delivered.add(value(row, "delivered_per_sec", 1));
				}
				latency.add(value(row, "p99_ms", 1));
			}
			List<String> maxRate = scenarioList.stream().filter(MAX_RATE_SCENARIOS::contains).toList();
			if (!maxRate.isEmpty()) {
				throughput.addSeries(target, maxRate, delivered);
			}
			if (!scenarioList.isEmpty()) {
				p99.addSeries(target, scenarioList, latency);
			}
			Map<String, Object> connections = find(rows, "connections", target);
			if (!connections.isEmpty()) {
				memory.addSeries(target, List.of("RSS", "heap"),
						List.of(value(connections, "rss_bytes_per_connection", 1024),
								value(connections, "heap_bytes_per_connection", 1024)));
			}
		}
		// a chart without series is left out: XChart cannot draw it, and a run without
		// the scenario it shows (only rate-paced ones, or no connections scenario) has
		// nothing to draw there
		List<Chart<?, ?>> charts = new ArrayList<>();
		for (CategoryChart chart : List.of(throughput, p99, memory)) {
			if (!chart.getSeriesMap().isEmpty()) {
				charts.add(chart);
			}
		}
		BitmapEncoder.saveBitmap(charts, 1, charts.size(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

	private static CategoryChart chart(String title, String yTitle) {
		CategoryChart chart = new CategoryChartBuilder().width(700).height(450).title(title).yAxisTitle(yTitle).build();
		chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
		chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
		chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
		chart.getStyler().setYAxisDecimalPattern("#,###.#");
		return chart;
	}

	private static Map<String, Object> find(List<Map<String, Object>> rows, String scenario, String target) {
		for (Map<String, Object> row : rows) {
			if (scenario.equals(row.get("scenario")) && target.equals(String.valueOf(row.get("target")))) {
				return row;
			}
		}
		return Map.of();
	}

	private static double value(Map<String, Object> row, String key, double divisor) {
		return (row.get(key) instanceof Number n) ? Math.max(0, n.doubleValue() / divisor) : 0;
	}

}
