package io.herald.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.herald.it.security.Tokens;
import io.herald.it.support.HeraldExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperability with the {@code @stomp/stompjs} browser client: starts Herald
 * in-process and runs the Node test suite in {@code src/test/js} ({@code node --test})
 * against its WebSocket endpoint. {@code npm ci} for that suite runs in the
 * pre-integration-test phase.
 */
class StompJsIT {

	private static final Duration NODE_TIMEOUT = Duration.ofSeconds(120);

	private static final Pattern SUMMARY = Pattern.compile("^# (tests|pass|fail|cancelled|skipped|todo) (\\d+)$",
			Pattern.MULTILINE);

	private static final Pattern NOT_OK = Pattern.compile("^\\s*not ok \\d+ - (.*)$", Pattern.MULTILINE);

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.withArgs(
			// fast heart-beats so that the heart-beat scenario sees several of them
			"--herald.heartbeat.send-interval=100ms", "--herald.heartbeat.receive-interval=100ms",
			// proven users for the /user/ scenarios (an unchecked login names nobody)
			"--herald.security.jwt.secret=" + Tokens.SECRET);

	@Test
	void stompJsSuitePassesAgainstHerald() throws Exception {
		Path suite = jsSuiteDirectory();
		assertThat(suite.resolve("node_modules/@stomp/stompjs/package.json"))
			.as("@stomp/stompjs installed (npm ci in %s)", suite)
			.exists();

		ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=tap", suite.toString())
			.directory(suite.toFile())
			.redirectErrorStream(true);
		builder.environment().put("HERALD_WS_URL", broker.webSocketUri().toString());
		builder.environment().put("HERALD_JWT_SECRET", Tokens.SECRET);
		builder.environment().put("NO_COLOR", "1");
		Process node = builder.start();
		StringBuilder output = new StringBuilder();
		Thread reader = new Thread(() -> copyOutput(node, output), "node-output");
		reader.setDaemon(true);
		reader.start();

		boolean finished = node.waitFor(NODE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (!finished) {
			node.descendants().forEach(ProcessHandle::destroyForcibly);
			node.destroyForcibly();
			node.waitFor(10, TimeUnit.SECONDS);
		}
		reader.join(TimeUnit.SECONDS.toMillis(10));
		String tap;
		synchronized (output) {
			tap = output.toString();
		}

		assertThat(finished).as("node --test finished within %s", NODE_TIMEOUT).isTrue();
		TapSummary summary = TapSummary.parse(tap);
		assertThat(summary.failed()).as("failing node tests: %s", summary.failures()).isZero();
		assertThat(summary.cancelled()).as("cancelled node tests (timeouts)").isZero();
		assertThat(summary.passed()).as("passing node tests").isPositive();
		assertThat(node.exitValue()).as("node --test exit code").isZero();
	}

	private static Path jsSuiteDirectory() {
		Path moduleDirectory = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
		Path suite = moduleDirectory.resolve("src/test/js").normalize();
		if (!Files.isDirectory(suite)) {
			suite = moduleDirectory.resolve("integration-tests/src/test/js").normalize();
		}
		assertThat(suite).as("stompjs test suite directory").isDirectory();
		return suite;
	}

	private static void copyOutput(Process node, StringBuilder output) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				System.out.println("[node] " + line);
				synchronized (output) {
					output.append(line).append('\n');
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The closing summary of node's TAP reporter ({@code # pass N}, {@code # fail N},
	 * ...) and the names of the tests reported {@code not ok}.
	 */
	record TapSummary(int tests, int passed, int failed, int cancelled, List<String> failures) {

		static TapSummary parse(String tap) {
			int tests = -1;
			int passed = -1;
			int failed = -1;
			int cancelled = -1;
			Matcher matcher = SUMMARY.matcher(tap);
			while (matcher.find()) {
				int value = Integer.parseInt(matcher.group(2));
				switch (matcher.group(1)) {
					case "tests" -> tests = value;
					case "pass" -> passed = value;
					case "fail" -> failed = value;
					case "cancelled" -> cancelled = value;
					default -> {
					}
				}
			}
			assertThat(passed).as("'# pass N' in the node output").isNotNegative();
			assertThat(failed).as("'# fail N' in the node output").isNotNegative();
			List<String> failures = new ArrayList<>();
			Matcher notOk = NOT_OK.matcher(tap);
			while (notOk.find()) {
				failures.add(notOk.group(1).trim());
			}
			return new TapSummary(tests, passed, failed, Math.max(cancelled, 0), failures);
		}

	}

}
