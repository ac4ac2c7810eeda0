package io.herald.bench.targets;

/**
 * The command-line contract every bench target honours: {@code --port=N} in, one
 * {@code READY ws://127.0.0.1:N/ws} line out once connections are accepted.
 */
final class TargetArguments {

	private static final String PORT_PREFIX = "--port=";

	private TargetArguments() {
	}

	static int port(String[] args) {
		for (String arg : args) {
			if (arg.startsWith(PORT_PREFIX)) {
				int port = Integer.parseInt(arg.substring(PORT_PREFIX.length()));
				if (port < 0 || port > 65535) {
					throw new IllegalArgumentException("--port must be 0..65535 but was " + port);
				}
				return port;
			}
		}
		throw new IllegalArgumentException("missing required argument --port=N");
	}

	static void printReady(int port) {
		System.out.println("READY ws://127.0.0.1:" + port + "/ws");
		System.out.flush();
	}

}
