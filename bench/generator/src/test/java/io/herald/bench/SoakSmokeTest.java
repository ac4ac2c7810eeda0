package io.herald.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.herald.spring.HeraldApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Six seconds of the soak against an in-process Herald, so the scenario cannot rot: it
 * samples, churns queue consumers, and ends clean. Measures nothing.
 */
class SoakSmokeTest {

	/** 0.1 minute; consumers change every 400 ms so that every way of leaving happens. */
	private static final Soak.Plan TINY = new Soak.Plan(6000, 20, 20, 100, 2, 2, 2, 2, 60, 400, 200, 20_000);

	private static ConfigurableApplicationContext herald;

	@BeforeAll
	static void startHerald() {
		herald = new SpringApplicationBuilder(HeraldApplication.class).run("--server.port=0", "--herald.tcp.port=-1");
	}

	@AfterAll
	static void stopHerald() {
		if (herald != null) {
			herald.close();
		}
	}

	@Test
	void soakSamplesMemoryAndEndsWithNothingLostOrDuplicated() throws Exception {
		String port = herald.getEnvironment().getProperty("local.server.port");
		Load.Settings settings = new Load.Settings(URI.create("ws://127.0.0.1:" + port + "/ws"), "guest", "guest", true,
				128, 2);
		Map<String, Object> row = new Scenarios(settings, Scenarios.Scale.quick(),
				new BrokerProbe(ProcessHandle.current().pid()), "herald")
			.soak(TINY)
			.run("soak");

		assertThat(row.get("error")).as("error %s", row.get("errors")).isNull();
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> samples = (List<Map<String, Object>>) row.get("samples");
		assertThat(samples).hasSize(3).allSatisfy((sample) -> {
			assertThat(sample.get("rss_mb")).isNotNull();
			assertThat(sample.get("heap_after_gc_mb")).isNotNull();
			assertThat(((Number) sample.get("delivered_per_sec_so_far")).longValue()).isPositive();
		});
		assertThat(((Number) row.get("delivered")).longValue()).isPositive();
		assertThat(row.get("lost")).isEqualTo(0L);
		assertThat(row.get("duplicated")).isEqualTo(0L);
		assertThat(row.get("reordered")).isEqualTo(0L);
		assertThat(((Number) row.get("queue_sent")).longValue()).isPositive();
		assertThat(row.get("queue_lost")).isEqualTo(0L);
		assertThat(row.get("queue_unflagged_duplicates")).isEqualTo(0L);
		assertThat(row.get("queue_redelivered")).isNotNull();
		assertThat(((Number) row.get("queue_consumers_joined")).longValue()).isGreaterThanOrEqualTo(10);
		assertThat((Map<?, ?>) row.get("queue_consumers_left")).values()
			.allSatisfy((n) -> assertThat(((Number) n).longValue()).isPositive());
		assertThat(row.get("slow_consumer_dropped")).isNotNull();
		assertThat(row.get("failed_connections")).isEqualTo(0);
		assertThat(row.get("dropped_connections")).isEqualTo(0);
		assertThat(row.get("clean")).isEqualTo(true);
		assertThat(Report.markdown(List.of(row), "", "", java.nio.file.Path.of("x.png"))).contains("| soak | herald |")
			.contains("### soak, herald: every sample");
	}

}
