package io.herald.bench.targets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CeilingTargetTest {

	@Test
	void subscriberReceivesSendWithCustomHeadersAndBody() throws Exception {
		try (CeilingTarget target = CeilingTarget.start(0)) {
			TargetSmoke.subscribeSendReceive("ws://127.0.0.1:" + target.port() + "/ws");
		}
	}

	@Test
	void sendToDestinationWithoutSubscribersIsAcknowledgedByReceipt() throws Exception {
		try (CeilingTarget target = CeilingTarget.start(0);
				RawStompClient client = RawStompClient.connect("ws://127.0.0.1:" + target.port() + "/ws")) {
			client.send("CONNECT\naccept-version:1.2\nhost:localhost\n\n");
			assertThat(client.receive("CONNECTED")).contains("version:1.2\n", "heart-beat:0,0\n");
			client.send("SEND\ndestination:/topic/nobody\nreceipt:r-1\n\nhello");
			assertThat(client.receive("RECEIPT")).contains("receipt-id:r-1\n");
		}
	}

}
