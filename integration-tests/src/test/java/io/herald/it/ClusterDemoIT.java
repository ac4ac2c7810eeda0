package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.herald.it.support.ClusterRabbit;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.NodeSuite;
import io.herald.feed.PriceFeed;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo served by two nodes sharing RabbitMQ ({@link ClusterRabbit}), browsers split
 * across them ({@code src/test/browser/demo-cluster.test.js}): the chat's members, room
 * messages and private messages cross between the nodes, and the ticker on the second
 * node moves with the price feed publishing to the first.
 */
class ClusterDemoIT {

	private static String[] node(String name) {
		List<String> arguments = new ArrayList<>(ClusterRabbit.get().nodeArguments());
		arguments.addAll(List.of("--herald.tcp.port=0",
				"--herald.cluster.node-id=demo" + Long.toString(System.currentTimeMillis(), 36) + name,
				"--herald.cluster.rabbitmq.exchange=herald.it.demo"));
		return arguments.toArray(String[]::new);
	}

	@Test
	void theDemoWorksWithItsClientsSplitAcrossTwoNodes() throws Exception {
		try (HeraldServer a = HeraldServer.start(node("a"));
				HeraldServer b = HeraldServer.start(node("b"));
				PriceFeed feed = PriceFeed.start("--port=" + a.tcpPort(), "--rate=4")) {
			NodeSuite.named("browser")
				.requires("playwright-core")
				.passes(Map.of("DEMO_A_URL", "http://127.0.0.1:" + a.httpPort(), "DEMO_B_URL",
						"http://127.0.0.1:" + b.httpPort(), "SCREENSHOT_DIR", DashboardIT.screenshots().toString()),
						Duration.ofSeconds(90), "demo-cluster.test.js");
			assertThat(feed.published()).isPositive();
		}
	}

}
