package io.herald.it.support;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Node test suite of this module ({@code src/test/NAME}, its packages installed by
 * {@code npm ci} in the pre-integration-test phase), run with {@code node --test} against
 * a broker the Java test started: passes when every node test passes within the timeout.
 * The node output is copied to the test's output, prefixed {@code [node]}.
 */
public final class NodeSuite {

	private static final Pattern SUMMARY = Pattern.compile("^# (tests|pass|fail|cancelled|skipped|todo) (\\d+)$",
			Pattern.MULTILINE);

	private static final Pattern NOT_OK = Pattern.compile("^\\s*not ok \\d+ - (.*)$", Pattern.MULTILINE);

	private final Path directory;

	private NodeSuite(Path directory) {
		this.directory = directory;
	}

	/** The suite in {@code src/test/NAME} of the integration-tests module. */
	public static NodeSuite named(String name) {
		Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
		Path suite = module.resolve("src/test").resolve(name).normalize();
		if (!Files.isDirectory(suite)) {
			suite = module.resolve("integration-tests/src/test").resolve(name).normalize();
		}
		assertThat(suite).as("node test suite directory").isDirectory();
		return new NodeSuite(suite);
	}

	public Path directory() {
		return this.directory;
	}

	/** Asserts that the npm package is installed in the suite. */
	public NodeSuite requires(String npmPackage) {
		assertThat(this.directory.resolve("node_modules").resolve(npmPackage).resolve("package.json"))
			.as("%s installed (npm ci in %s)", npmPackage, this.directory)
			.exists();
		return this;
	}

	/**
	 * Runs {@code node --test} on the whole suite with the environment added, and asserts
	 * that it finished in time with every test passing.
	 */
	public void passes(Map<String, String> environment, Duration timeout) throws IOException, InterruptedException {
		passes(environment, timeout, this.directory.toString());
	}

	/** As {@link #passes(Map, Duration)}, for some files of the suite only. */
	public void passes(Map<String, String> environment, Duration timeout, String... files)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=tap"));
		command.addAll(List.of(files));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true);
		builder.environment().putAll(environment);
		builder.environment().put("NO_COLOR", "1");
		Process node = builder.start();
		StringBuilder output = new StringBuilder();
		Thread reader = new Thread(() -> copyOutput(node, output), "node-output");
		reader.setDaemon(true);
		reader.start();

		boolean finished = node.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
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

		assertThat(finished).as("node --test finished within %s", timeout).isTrue();
		TapSummary summary = TapSummary.parse(tap);
		assertThat(summary.failed()).as("failing node tests: %s", summary.failures()).isZero();
		assertThat(summary.cancelled()).as("cancelled node tests (timeouts)").isZero();
		assertThat(summary.passed()).as("passing node tests").isPositive();
		assertThat(node.exitValue()).as("node --test exit code").isZero();
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
	public record TapSummary(int tests, int passed, int failed, int cancelled, List<String> failures) {

		public static TapSummary parse(String tap) {
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
