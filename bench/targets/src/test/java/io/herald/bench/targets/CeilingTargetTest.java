package io.herald.bench.targets;

import java.util.ArrayList;
import java.util.List;

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
			List<RawStompClient> subscribers = new ArrayList<>();
			try (RawStompClient publisher = RawStompClient.connect(url)) {
				for (int i = 0; i < subscriberCount; i++) {
					RawStompClient subscriber = RawStompClient.connect(url);
					subscribers.add(subscriber);
					subscriber.send("CONNECT\naccept-version:1.2\nhost:localhost\n\n");
					subscriber.receive("CONNECTED");
					subscriber.send("SUBSCRIBE\nid:" + i + "\ndestination:/topic/chat.room7\nreceipt:r\n\n");
					subscriber.receive("RECEIPT");
				}
				// two frames per WebSocket message, as a batching client may send them
				for (int seq = 0; seq < messageCount; seq += 2) {
					publisher.send("SEND\ndestination:/topic/chat.room7\nbench-seq:" + seq + "\n\nbody\0\n"
							+ "SEND\ndestination:/topic/chat.room7\nbench-seq:" + (seq + 1) + "\n\nbody");
				}
				for (int i = 0; i < subscriberCount; i++) {
					for (int seq = 0; seq < messageCount; seq++) {
						assertThat(subscribers.get(i).receive("MESSAGE")).contains("subscription:" + i + "\n",
								"bench-seq:" + seq + "\n");
					}
				}
			}
			finally {
				subscribers.forEach(RawStompClient::close);
			}
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
