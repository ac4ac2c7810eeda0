package io.herald.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.NodeSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code /admin} dashboard on the embedded default, in headless Chromium (Debian's
 * {@code /usr/bin/chromium}, driven by {@code playwright-core}): the suite in
 * {@code src/test/browser} starts STOMP traffic, opens the page from loopback without a
 * login, sees its figures move, finds its sessions and disconnects one. Screenshots land
 * in {@code target/screenshots}. The production profile's login is tested beside the
 * profile, in {@code ProductionProfileIT}.
 */
public class DashboardIT {

	public static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs();

	@Test
	void theDashboardShowsTheNodeLiveAndEndsTheChosenSession() throws Exception {
		NodeSuite.named("browser")
			.requires("playwright-core")
			.passes(Map.of("HERALD_HTTP_URL", "http://127.0.0.1:" + broker.httpPort(), "HERALD_WS_URL",
					broker.webSocketUri().toString(), "SCREENSHOT_DIR", screenshots().toString(), "SCREENSHOT_NAME",
					"dashboard"), BROWSER_TIMEOUT, "dashboard.test.js");
	}

	/** Where the browser suites put their screenshots: the module's build directory. */
	public static Path screenshots() {
		Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
		return module.resolve("target/screenshots");
	}

}
