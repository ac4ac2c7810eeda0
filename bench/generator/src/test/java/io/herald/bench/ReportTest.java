package io.herald.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

	@Test
	void tableHasARowPerResultAndMarksGeneratorBoundAndFailures(@TempDir Path dir) throws Exception {
		Map<String, Object> fanout = new LinkedHashMap<>();
		fanout.put("scenario", "fanout");
		fanout.put("target", "herald");
		fanout.put("delivered_per_sec", 123456);
		fanout.put("p99_ms", 4.5);
		fanout.put("lost", 0);
		fanout.put("generator_bound", true);
		Map<String, Object> failed = new LinkedHashMap<>();
		failed.put("scenario", "connections");
		failed.put("target", "rabbitmq");
		failed.put("error", "target did not start");
		Path json = dir.resolve("run.json");
		Generator.append(json, List.of(fanout, failed));

		List<Map<String, Object>> rows = Report.read(json);
		String md = Report.markdown(rows, "test machine", "bench/run.sh --quick", Path.of("run.png"));
		Report.chart(rows, dir.resolve("run.png"));

		assertThat(md).contains("| fanout | herald | 123,456 | – | 4.50 |")
			.contains("**yes**")
			.contains("| connections | rabbitmq |")
			.contains("error: target did not start")
			.contains("`bench/run.sh --quick`");
		assertThat(Files.size(dir.resolve("run.png"))).isPositive();
	}

	@Test
	void soakRowGetsItsSamplesSectionAndTheChartNeedsNoMaximumRateScenario(@TempDir Path dir) throws Exception {
		Map<String, Object> soak = new LinkedHashMap<>();
		soak.put("scenario", "soak");
		soak.put("target", "herald");
		soak.put("delivered_per_sec", 30000);
		soak.put("p99_ms", 12.5);
		soak.put("minutes", 3.0);
		soak.put("samples", List.of(Map.of("elapsed_s", 60, "rss_mb", 512.5, "heap_after_gc_mb", 180.25,
				"delivered_per_sec_so_far", 30000, "delivered_per_sec", 30100)));
		soak.put("queue_sent", 36000);
		soak.put("queue_lost", 0);
		soak.put("queue_unflagged_duplicates", 0);
		soak.put("queue_redelivered", 132);
		soak.put("queue_consumers_joined", 89);
		soak.put("slow_consumer_dropped", true);
		Path json = dir.resolve("soak.json");
		Generator.append(json, List.of(soak));

		List<Map<String, Object>> rows = Report.read(json);
		String md = Report.markdown(rows, "", "", Path.of("soak.png"));
		Report.chart(rows, dir.resolve("soak.png"));
		assertThat(javax.imageio.ImageIO.read(dir.resolve("soak.png").toFile()).getWidth())
			.as("one panel, p99: no maximum-rate scenario, no connections scenario to draw")
			.isEqualTo(700);

		assertThat(md).contains("| soak | herald | 30,000 |")
			.contains("3.0 min; queues: 36,000 sent, 0 lost, 0 unflagged dup, 132 redelivered")
			.contains("slow consumer dropped")
			.contains("### soak, herald: every sample")
			.contains("| 60 | 512.5 | 180.3 | 30,000 | 30,100 |");
		assertThat(Files.size(dir.resolve("soak.png"))).isPositive();
	}

}
