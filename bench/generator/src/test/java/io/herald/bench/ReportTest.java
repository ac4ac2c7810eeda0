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

}
