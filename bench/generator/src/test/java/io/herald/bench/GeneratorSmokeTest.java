package io.herald.bench;

import java.net.URI;
import java.util.Map;

import io.herald.spring.HeraldApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A few seconds of the generator against an in-process Herald, so the bench cannot rot:
 * every message sent reaches every subscriber once and in order. Measures nothing; the
 * figures come from {@code bench/run.sh}.
 */
class GeneratorSmokeTest {

	private static final Scenarios.Scale TINY = new Scenarios.Scale(400, 100, 10, 100, 20, 200, 2, 5, 50, 5, 20_000);

	private static ConfigurableApplicationContext herald;

	private static Scenarios scenarios;

	@BeforeAll
	static void startHerald() {
		// with ten subscribers the fan-out's one publisher sends tens of thousands of
		// frames a
		// second, beyond the per-session default of
		// herald.limits.inbound-frames-per-second,
		// which would end it as rate-limited (1,000 subscribers, as bench/run.sh has,
		// stay under)
		herald = new SpringApplicationBuilder(HeraldApplication.class).run("--server.port=0", "--herald.tcp.port=-1",
				"--herald.limits.inbound-frames-per-second=0");
		String port = herald.getEnvironment().getProperty("local.server.port");
		Load.Settings settings = new Load.Settings(URI.create("ws://127.0.0.1:" + port + "/ws"), "guest", "guest", true,
				128, 2);
		scenarios = new Scenarios(settings, TINY, new BrokerProbe(ProcessHandle.current().pid()), "herald");
	}

	@AfterAll
	static void stopHerald() {
		if (herald != null) {
			herald.close();
		}
	}

	@Test
	void heraldAnswersSubscribeReceipts() throws Exception {
		Load.Settings settings = new Load.Settings(
				URI.create("ws://127.0.0.1:" + herald.getEnvironment().getProperty("local.server.port") + "/ws"),
				"guest", "guest", true, 128, 2);
		assertThat(Generator.answersReceipts(settings)).isTrue();
	}

	@Test
	void fanoutDeliversEveryMessageToEverySubscriberOnceAndInOrder() throws Exception {
		assertClean(scenarios.run("fanout"), 10);
	}

	@Test
	void tickersDeliverEachTickerToItsSubscribers() throws Exception {
		assertClean(scenarios.run("tickers"), 0);
	}

	@Test
	void chatDeliversEveryMemberMessageToTheRoom() throws Exception {
		assertClean(scenarios.run("chat"), 10);
	}

	@Test
	void slowConsumerComparesTheOthersWithARunWithoutIt() throws Exception {
		Map<String, Object> row = scenarios.run("slow-consumer");
		assertThat(row.get("error")).as("error %s", row.get("errors")).isNull();
		assertThat(row.get("lost")).isEqualTo(0L);
		assertThat(row.get("duplicated")).isEqualTo(0L);
		assertThat(row.get("reordered")).isEqualTo(0L);
		assertThat(row.get("baseline_lost")).isEqualTo(0L);
		assertThat(row.get("baseline_delivered_per_sec")).isNotNull();
		assertThat(row.get("throughput_vs_baseline")).isNotNull();
	}

	@Test
	void connectionsReportsMemoryPerConnection() throws Exception {
		Map<String, Object> row = scenarios.run("connections");
		assertThat(row.get("error")).isNull();
		assertThat(row.get("connections")).isEqualTo(50);
		assertThat(row.get("rss_bytes_per_connection")).isNotNull();
		assertThat(row.get("heap_bytes_per_connection")).isNotNull();
	}

	private static void assertClean(Map<String, Object> row, int subscribersPerMessage) {
		assertThat(row.get("error")).as("error %s", row.get("errors")).isNull();
		long sent = ((Number) row.get("sent")).longValue();
		long delivered = ((Number) row.get("delivered")).longValue();
		assertThat(sent).isPositive();
		if (subscribersPerMessage > 0) {
			assertThat(delivered).isEqualTo(sent * subscribersPerMessage);
		}
		else {
			assertThat(delivered).isPositive();
		}
		assertThat(row.get("lost")).isEqualTo(0L);
		assertThat(row.get("duplicated")).isEqualTo(0L);
		assertThat(row.get("reordered")).isEqualTo(0L);
		assertThat(row.get("failed_connections")).isEqualTo(0);
	}

}
