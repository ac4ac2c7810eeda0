package io.herald.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * Command line entry of the load generator: runs the chosen scenarios one after another
 * against one target and appends a row per scenario to a JSON array.
 *
 * <pre>
 * java -cp ... io.herald.bench.Generator --uri ws://127.0.0.1:8080/ws --target herald
 *     [--scenario fanout,tickers,chat,connections,slow-consumer,soak] [--quick]
 *     [--soak-minutes N] [--soak-queues true|false]
 *     [--login guest --passcode guest] [--broker-pid PID] [--json FILE]
 *     [--connections N] [--window DELIVERIES] [--hold-ms MILLIS] [--generator-cpu N --broker-cpu N]
 * </pre>
 */
public final class Generator {

	static final List<String> SCENARIOS = List.of("fanout", "tickers", "chat", "slow-consumer", "connections");

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	/** How long the connections scenario keeps its connections open after measuring. */
	static long holdMillis;

	private Generator() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		URI uri = URI.create(options.getOrDefault("uri", "ws://127.0.0.1:8080/ws"));
		String target = options.getOrDefault("target", "herald");
		List<String> scenarios = List.of(options.getOrDefault("scenario", String.join(",", SCENARIOS)).split(","));
		Scenarios.Scale scale = options.containsKey("quick") ? Scenarios.Scale.quick() : Scenarios.Scale.full();
		if (options.containsKey("connections")) {
			scale = scale.withConnections(Integer.parseInt(options.get("connections")));
		}
		if (options.containsKey("window")) {
			scale = scale.withWindow(Integer.parseInt(options.get("window")));
		}
		if (options.containsKey("hold-ms")) {
			holdMillis = Long.parseLong(options.get("hold-ms"));
		}
		BrokerProbe broker = new BrokerProbe(Long.parseLong(options.getOrDefault("broker-pid", "0")));
		Load.Settings probe = new Load.Settings(uri, options.getOrDefault("login", "guest"),
				options.getOrDefault("passcode", "guest"), true, 128, 40);
		boolean receipts = answersReceipts(probe);
		Load.Settings settings = new Load.Settings(probe.uri(), probe.login(), probe.passcode(), receipts, 128, 40);
		List<Map<String, Object>> rows = new ArrayList<>();
		for (String scenario : scenarios) {
			Map<String, Object> row;
			try {
				row = new Scenarios(settings, scale, broker, target,
						Integer.parseInt(options.getOrDefault("generator-cpu", "-1")),
						Integer.parseInt(options.getOrDefault("broker-cpu", "-1")))
					.soak(soakPlan(options, target))
					.fanoutLatencyRates(latencyRates(options))
					.secondNode(options.containsKey("uri-b") ? URI.create(options.get("uri-b")) : null)
					.run(scenario.trim());
			}
			catch (Exception ex) {
				row = new LinkedHashMap<>();
				row.put("scenario", scenario);
				row.put("target", target);
				row.put("error", String.valueOf(ex));
			}
			row.put("receipts", receipts);
			System.out
				.println("RESULT " + JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(row));
			rows.add(row);
		}
		if (options.containsKey("json")) {
			append(Path.of(options.get("json")), rows);
		}
	}

	/** {@code --fanout-latency-rates HALF,QUARTER} in deliveries/s, or null. */
	static double[] latencyRates(Map<String, String> options) {
		String rates = options.get("fanout-latency-rates");
		if (rates == null || rates.isBlank()) {
			return null;
		}
		String[] parts = rates.split(",");
		if (parts.length != 2) {
			throw new IllegalArgumentException("--fanout-latency-rates takes two rates, as 360000,180000: " + rates);
		}
		return new double[] { Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()) };
	}

	/**
	 * Targets without competing consumers with acknowledgements: Spring's simple broker
	 * broadcasts a {@code /queue/} destination, the ceiling only fans out.
	 */
	private static final List<String> WITHOUT_QUEUES = List.of("spring-simple", "ceiling");

	/**
	 * The soak's plan: {@code --soak-minutes} (default 30) of the full load, with queues
	 * unless the target has none or {@code --soak-queues false}.
	 */
	static Soak.Plan soakPlan(Map<String, String> options, String target) {
		double minutes = Double.parseDouble(options.getOrDefault("soak-minutes", "30"));
		if (!(minutes > 0)) {
			throw new IllegalArgumentException("--soak-minutes must be positive: " + minutes);
		}
		Soak.Plan plan = Soak.Plan.full(minutes);
		boolean queues = Boolean
			.parseBoolean(options.getOrDefault("soak-queues", Boolean.toString(!WITHOUT_QUEUES.contains(target))));
		return queues ? plan : plan.withoutQueues();
	}

	/** Some brokers (Spring's simple broker) never answer a SUBSCRIBE receipt. */
	static boolean answersReceipts(Load.Settings settings) throws Exception {
		try (Load load = new Load(settings)) {
			load.newConnection().subscribe("/topic/probe");
			return load.openAll(1, 3000) >= 0 && load.readyCount() == 1;
		}
	}

	static synchronized void append(Path file, List<Map<String, Object>> rows) throws IOException {
		ArrayNode array;
		if (Files.exists(file) && Files.size(file) > 0) {
			JsonNode existing = JSON.readTree(file.toFile());
			array = existing.isArray() ? (ArrayNode) existing : JSON.createArrayNode();
		}
		else {
			array = JSON.createArrayNode();
		}
		for (Map<String, Object> row : rows) {
			array.add(JSON.valueToTree(row));
		}
		if (file.getParent() != null) {
			Files.createDirectories(file.getParent());
		}
		JSON.writeValue(file.toFile(), array);
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument: " + arg);
			}
			String key = arg.substring(2);
			int eq = key.indexOf('=');
			if (eq >= 0) {
				options.put(key.substring(0, eq), key.substring(eq + 1));
			}
			else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
				options.put(key, args[++i]);
			}
			else {
				options.put(key, "true");
			}
		}
		return options;
	}

}
