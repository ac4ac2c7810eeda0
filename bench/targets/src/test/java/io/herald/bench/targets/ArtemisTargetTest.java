package io.herald.bench.targets;

import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class ArtemisTargetTest {

	@Test
	void subscriberReceivesSendWithCustomHeadersAndBody() throws Exception {
		try (ArtemisTarget target = ArtemisTarget.start(freePort())) {
			TargetSmoke.subscribeSendReceive("ws://127.0.0.1:" + target.port() + "/ws");
		}
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
