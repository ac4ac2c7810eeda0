package io.herald.bench.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * ActiveMQ Artemis embedded as a STOMP-over-WebSocket pub/sub broker, configured the way
 * an operator would for fan-out to web clients: in-memory only, no security, topics
 * created on first use, and nothing that pages to disk or stalls publishers.
 *
 * <p>
 * Artemis has no WebSocket path: its Netty acceptor sniffs each new connection and
 * upgrades any HTTP GET carrying {@code Upgrade: websocket} to the protocols listed in
 * {@code protocols}, so {@code ws://127.0.0.1:N/ws} works as the bench expects.
 *
 * <p>
 * Usage: {@code java -cp ... io.herald.bench.targets.ArtemisTarget --port=N}. Prints
 * {@code READY ws://127.0.0.1:N/ws} once the acceptor is started.
 */
public final class ArtemisTarget implements AutoCloseable {

	/**
	 * Per-address memory bound before {@link #FULL_POLICY} applies, in bytes. A topic's
	 * messages are counted once however many subscription queues reference them, so this
	 * is the backlog of the slowest subscriber: 64 MiB is about half a million 128-byte
	 * bench messages, far more than a healthy subscriber ever lags.
	 */
	static final long ADDRESS_MAX_SIZE_BYTES = 64L * 1024 * 1024;

	/**
	 * What happens when an address is full. PAGE (the default) writes to disk and BLOCK
	 * stalls every publisher on the topic behind its slowest subscriber; neither is what
	 * live fan-out to browsers wants. DROP discards new messages for that address until
	 * the backlog drains, the same trade a browser-facing broker makes with slow
	 * consumers.
	 */
	static final AddressFullMessagePolicy FULL_POLICY = AddressFullMessagePolicy.DROP;

	/**
	 * STOMP connection TTL for clients that negotiate no heart-beat, in milliseconds.
	 * Artemis closes a connection it has not <em>received</em> from within the TTL
	 * (default 60 s): a pure subscriber without heart-beats would be dropped mid-run.
	 */
	static final long STOMP_CONNECTION_TTL_MILLIS = 60L * 60 * 1000;

	private final ActiveMQServer server;

	private final Path dataDirectory;

	private final int port;

	private ArtemisTarget(ActiveMQServer server, Path dataDirectory, int port) {
		this.server = server;
		this.dataDirectory = dataDirectory;
		this.port = port;
	}

	/**
	 * Starts an embedded broker with one STOMP acceptor on 127.0.0.1.
	 * @param port the port (Artemis cannot report an ephemeral port back, so pass a real
	 * one)
	 * @return the running broker
	 * @throws Exception if Artemis fails to start
	 */
	public static ArtemisTarget start(int port) throws Exception {
		Path dataDirectory = Files.createTempDirectory("herald-bench-artemis");
		Configuration config = new ConfigurationImpl().setName("herald-bench-artemis")
			.setPersistenceEnabled(false)
			.setSecurityEnabled(false)
			.setJMXManagementEnabled(false)
			// Nothing is persisted, but Artemis still resolves these directories at
			// start.
			.setBindingsDirectory(dataDirectory.resolve("bindings").toString())
			.setJournalDirectory(dataDirectory.resolve("journal").toString())
			.setPagingDirectory(dataDirectory.resolve("paging").toString())
			.setLargeMessagesDirectory(dataDirectory.resolve("large-messages").toString());
		config.addAcceptorConfiguration(acceptor(port));
		config.addAddressSetting("#",
				new AddressSettings().setAutoCreateAddresses(true)
					.setAutoCreateQueues(true)
					.setAutoDeleteAddresses(true)
					.setAutoDeleteQueues(true)
					// As in the stock broker.xml; without them every auto-created queue
					// logs a warning.
					.setDeadLetterAddress(SimpleString.of("DLQ"))
					.setExpiryAddress(SimpleString.of("ExpiryQueue"))
					.setMaxSizeBytes(ADDRESS_MAX_SIZE_BYTES)
					.setAddressFullMessagePolicy(FULL_POLICY));
		ActiveMQServer server = ActiveMQServers.newActiveMQServer(config, false);
		try {
			server.start();
			if (!server.waitForActivation(30, java.util.concurrent.TimeUnit.SECONDS)) {
				throw new IllegalStateException("Artemis did not activate within 30 s");
			}
		}
		catch (Exception ex) {
			server.stop();
			deleteRecursively(dataDirectory);
			throw ex;
		}
		return new ArtemisTarget(server, dataDirectory, port);
	}

	/**
	 * The single acceptor, {@code tcp://127.0.0.1:N?protocols=STOMP} plus the settings
	 * below. {@code multicastPrefix=/topic/} makes {@code /topic/NAME} a multicast
	 * (pub/sub) address {@code NAME}, auto-created on first SEND or SUBSCRIBE;
	 * {@code anycastPrefix=/queue/} is there so point-to-point destinations are not
	 * mistaken for topics. {@code webSocketEncoderType=text}: Artemis sends binary
	 * WebSocket frames by default; text is what the other targets and browser STOMP
	 * clients use.
	 *
	 * <p>
	 * Built by hand rather than from a URI string: the 2.55 URI parser files
	 * {@code webSocketEncoderType} among the "extra" (protocol) parameters, but the
	 * WebSocket upgrade reads it from the acceptor parameters, so in a URI it is silently
	 * ignored.
	 */
	static TransportConfiguration acceptor(int port) {
		Map<String, Object> params = new HashMap<>();
		params.put(TransportConstants.HOST_PROP_NAME, "127.0.0.1");
		params.put(TransportConstants.PORT_PROP_NAME, port);
		params.put(TransportConstants.PROTOCOLS_PROP_NAME, "STOMP");
		// a String, as the URI parser would produce: the STOMP handler casts it
		params.put(TransportConstants.CONNECTION_TTL, String.valueOf(STOMP_CONNECTION_TTL_MILLIS));
		params.put(TransportConstants.WEB_SOCKET_ENCODER_TYPE, "text");
		Map<String, Object> protocolParams = new HashMap<>();
		protocolParams.put("multicastPrefix", "/topic/");
		protocolParams.put("anycastPrefix", "/queue/");
		return new TransportConfiguration(NettyAcceptorFactory.class.getName(), params, "stomp-ws", protocolParams);
	}

	public int port() {
		return this.port;
	}

	@Override
	public void close() throws IOException {
		try {
			this.server.stop();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			throw new IOException("Artemis did not stop cleanly", ex);
		}
		finally {
			deleteRecursively(this.dataDirectory);
		}
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return;
		}
		try (var paths = Files.walk(directory)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

	public static void main(String[] args) throws Exception {
		ArtemisTarget target = start(TargetArguments.port(args));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try {
				target.close();
			}
			catch (IOException ex) {
				System.err.println("Artemis shutdown failed: " + ex);
			}
		}, "artemis-shutdown"));
		TargetArguments.printReady(target.port());
		Thread.currentThread().join();
	}

}
