package io.herald.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The RabbitMQ the cluster tests share, chosen here and nowhere else: a Testcontainers
 * RabbitMQ where a Docker engine answers, or else the one on {@code 127.0.0.1:5672}
 * (guest/guest; {@code .ci/run} starts it), and {@code rabbitmqctl} for the one chosen
 * (in the container, or the local command).
 */
public final class ClusterRabbit {

	private static ClusterRabbit chosen;

	/** The container, or {@code null} for the local RabbitMQ. */
	private final RabbitMQContainer container;

	private ClusterRabbit(RabbitMQContainer container) {
		this.container = container;
	}

	/** The RabbitMQ of this run; a container is started once and kept to the end. */
	public static synchronized ClusterRabbit get() {
		if (chosen == null) {
			if (Boolean.getBoolean("herald.it.local-rabbitmq") || !DockerClientFactory.instance().isDockerAvailable()) {
				chosen = new ClusterRabbit(null);
			}
			else {
				RabbitMQContainer container = new RabbitMQContainer(DockerImageName.parse("rabbitmq:4.1"));
				container.start();
				chosen = new ClusterRabbit(container);
			}
			System.err.println("cluster tests: " + chosen.describe());
		}
		return chosen;
	}

	/** Which one it is, for the test's report. */
	public String describe() {
		return (this.container != null) ? "Testcontainers " + this.container.getDockerImageName()
				: "local RabbitMQ on 127.0.0.1:5672";
	}

	/** {@code host:port} of its AMQP listener. */
	public String address() {
		return (this.container != null) ? this.container.getHost() + ":" + this.container.getAmqpPort()
				: "127.0.0.1:5672";
	}

	/** The arguments that link a node to it. */
	public List<String> nodeArguments() {
		List<String> arguments = new ArrayList<>(
				List.of("--herald.cluster.mode=rabbitmq", "--herald.cluster.rabbitmq.addresses=" + address()));
		if (this.container != null) {
			arguments.add("--herald.cluster.rabbitmq.username=" + this.container.getAdminUsername());
			arguments.add("--herald.cluster.rabbitmq.password=" + this.container.getAdminPassword());
		}
		return arguments;
	}

	/**
	 * Runs {@code rabbitmqctl -q} (lists without their table headers).
	 * @return its output's lines
	 */
	public List<String> rabbitmqctl(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
		if (arguments[0].startsWith("list_")) {
			command.add("--no-table-headers");
		}
		command.addAll(List.of(arguments));
		if (this.container != null) {
			Container.ExecResult result = this.container.execInContainer(command.toArray(String[]::new));
			if (result.getExitCode() != 0) {
				throw new IOException("rabbitmqctl " + String.join(" ", arguments) + " failed: " + result.getStderr());
			}
			return result.getStdout().lines().toList();
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IOException("rabbitmqctl " + String.join(" ", arguments) + " failed: " + output);
		}
		return output.lines().toList();
	}

}
