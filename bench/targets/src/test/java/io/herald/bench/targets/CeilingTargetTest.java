package io.herald.bench.targets;

import java.util.ArrayList;
import java.util.List;

import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
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
	void everySubscriberReceivesEveryMessageInOrderAcrossEventLoops() throws Exception {
		int subscriberCount = 5;
		int messageCount = 200;
		try (CeilingTarget target = CeilingTarget.start(0)) {
			String url = "ws://127.0.0.1:" + target.port() + "/ws";
			List<StompConnection> subscribers = new ArrayList<>();
			try (StompConnection publisher = TargetSmoke.open(url)) {
				for (int i = 0; i < subscriberCount; i++) {
					StompConnection subscriber = TargetSmoke.open(url);
					subscribers.add(subscriber);
					subscriber.sendRaw("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0");
					subscriber.receive("CONNECTED");
					subscriber.sendRaw("SUBSCRIBE\nid:" + i + "\ndestination:/topic/chat.room7\nreceipt:r\n\n\0");
					subscriber.receive("RECEIPT");
				}
				// two frames per WebSocket message, as a batching client may send them
				for (int seq = 0; seq < messageCount; seq += 2) {
					publisher.sendRaw("SEND\ndestination:/topic/chat.room7\nbench-seq:" + seq + "\n\nbody\0\n"
							+ "SEND\ndestination:/topic/chat.room7\nbench-seq:" + (seq + 1) + "\n\nbody\0");
				}
				for (int i = 0; i < subscriberCount; i++) {
					for (int seq = 0; seq < messageCount; seq++) {
						StompFrame message = subscribers.get(i).receive("MESSAGE");
						assertThat(message.header("subscription")).isEqualTo(Integer.toString(i));
						assertThat(message.header("bench-seq")).isEqualTo(Integer.toString(seq));
					}
				}
			}
			finally {
				subscribers.forEach(StompConnection::close);
			}
		}
	}

	@Test
	void sendToDestinationWithoutSubscribersIsAcknowledgedByReceipt() throws Exception {
		try (CeilingTarget target = CeilingTarget.start(0);
				StompConnection client = TargetSmoke.open("ws://127.0.0.1:" + target.port() + "/ws")) {
			client.sendRaw("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0");
			StompFrame connected = client.receive("CONNECTED");
			assertThat(connected.header("version")).isEqualTo("1.2");
			assertThat(connected.header("heart-beat")).isEqualTo("0,0");
			client.sendRaw("SEND\ndestination:/topic/nobody\nreceipt:r-1\n\nhello\0");
			assertThat(client.receive("RECEIPT").header("receipt-id")).isEqualTo("r-1");
		}
	}

}
