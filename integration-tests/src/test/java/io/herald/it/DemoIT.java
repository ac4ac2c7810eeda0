package io.herald.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import io.herald.feed.PriceFeed;
import io.herald.it.security.Tokens;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.NodeSuite;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo pages ({@code client-js-demo/}, served at {@code /demo/}) in headless
 * Chromium, as a newcomer runs them: the broker on its embedded default (JWT accepted
 * besides anonymous clients) and the price feed publishing over STOMP/TCP. The suite in
 * {@code src/test/browser/demo.test.js} chats between three browser contexts, watches the
 * ticker, has this test restart the broker on the same ports (through a small control
 * endpoint) and sees the page and the feed come back without a reload, and meets the
 * broker's refusal on a second broker with access rules.
 */
class DemoIT {

	@Test
	void chatAndTickerWorkAndRecoverFromABrokerRestart() throws Exception {
		String[] args = { "--herald.tcp.port=0", "--herald.security.jwt.secret=" + Tokens.SECRET };
		AtomicReference<HeraldServer> broker = new AtomicReference<>(HeraldServer.start(args));
		int httpPort = broker.get().httpPort();
		int tcpPort = broker.get().tcpPort();
		String[] samePorts = { "--server.port=" + httpPort, "--herald.tcp.port=" + tcpPort,
				"--herald.security.jwt.secret=" + Tokens.SECRET };
		HttpServer control = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		control.createContext("/restart", (exchange) -> {
			try {
				broker.getAndSet(null).close();
				broker.set(HeraldServer.start(samePorts));
				exchange.sendResponseHeaders(204, -1);
			}
			catch (RuntimeException ex) {
				byte[] why = String.valueOf(ex).getBytes(java.nio.charset.StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(500, why.length);
				exchange.getResponseBody().write(why);
			}
			exchange.close();
		});
		control.start();
		try (HeraldServer refusing = HeraldServer.start("--herald.security.rules[0].who=everyone",
				"--herald.security.rules[0].actions[0]=subscribe",
				"--herald.security.rules[0].destinations[0]=/topic/prices.#");
				// with JWT on, the feed proves who it is as a browser would: a token as
				// passcode
				PriceFeed feed = PriceFeed.start("--port=" + tcpPort, "--rate=4",
						"--passcode=" + Tokens.valid("price-feed"))) {
			NodeSuite.named("browser")
				.requires("playwright-core")
				.passes(Map.of("DEMO_URL", "http://127.0.0.1:" + httpPort, "DEMO_REFUSING_URL",
						"http://127.0.0.1:" + refusing.httpPort(), "DEMO_CONTROL_URL",
						"http://127.0.0.1:" + control.getAddress().getPort(), "DEMO_TOKEN", Tokens.valid("bob"),
						"SCREENSHOT_DIR", DashboardIT.screenshots().toString()), Duration.ofSeconds(120),
						"demo.test.js");
			assertThat(feed.isConnected()).as("the feed reconnected after the restart").isTrue();
			assertThat(feed.published()).isPositive();
		}
		finally {
			control.stop(0);
			HeraldServer last = broker.get();
			if (last != null) {
				last.close();
			}
		}
	}

}
