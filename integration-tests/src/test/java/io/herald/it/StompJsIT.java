package io.herald.it;

import java.time.Duration;
import java.util.Map;

import io.herald.it.security.Tokens;
import io.herald.it.support.HeraldExtension;
import io.herald.it.support.NodeSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interoperability with the {@code @stomp/stompjs} browser client: starts Herald
 * in-process and runs the Node test suite in {@code src/test/js} ({@code node --test})
 * against its WebSocket endpoint. {@code npm ci} for that suite runs in the
 * pre-integration-test phase.
 */
class StompJsIT {

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(120);

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs(
			// fast heart-beats so that the heart-beat scenario sees several of them
			"--herald.heartbeat.send-interval=100ms", "--herald.heartbeat.receive-interval=100ms",
			// proven users for the /user/ scenarios (an unchecked login names nobody)
			"--herald.security.jwt.secret=" + Tokens.SECRET,
			// a history for the resume scenario (resume.test.js)
			"--herald.topics.rules[0].destinations[0]=/topic/resume.#", "--herald.topics.rules[0].history-size=25000");

	@Test
	void stompJsSuitePassesAgainstHerald() throws Exception {
		NodeSuite.named("js")
			.requires("@stomp/stompjs")
			.passes(Map.of("HERALD_WS_URL", broker.webSocketUri().toString(), "HERALD_JWT_SECRET", Tokens.SECRET),
					NODE_TIMEOUT);
	}

}
