package io.herald.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Publish/subscribe on {@code /topic/…} over every transport: fan-out, order, wildcards,
 * headers and bodies of every kind.
 */
class TopicMessagingIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	private static String topic(String name) {
		return "/topic/" + HeraldServer.unique(name);
	}

	@OverEveryTransport
	void everySubscriberGetsEveryMessageInOrder(Transport transport) {
		String topic = topic("fanout");
		List<StompConnection> subscribers = new ArrayList<>();
		try (StompConnection publisher = transport.connect(server)) {
			for (int i = 0; i < 20; i++) {
				StompConnection subscriber = transport.connect(server);
				subscribers.add(subscriber);
				subscriber.subscribe(topic, "fan-" + i);
			}
			for (int i = 0; i < 10; i++) {
				publisher.publish(topic, "tick-" + i);
			}
			publisher.disconnect();
			for (int s = 0; s < subscribers.size(); s++) {
				List<StompFrame> messages = subscribers.get(s).receiveMessages(10, StompConnection.LONG_WAIT);
				assertThat(messages).extracting(StompFrame::bodyText)
					.containsExactly("tick-0", "tick-1", "tick-2", "tick-3", "tick-4", "tick-5", "tick-6", "tick-7",
							"tick-8", "tick-9");
				assertThat(messages).allSatisfy((message) -> {
					assertThat(message.header("destination")).isEqualTo(topic);
					assertThat(message.header("message-id")).isNotBlank();
				});
				assertThat(messages.get(0).header("subscription")).isEqualTo("fan-" + s);
			}
		}
		finally {
			subscribers.forEach(StompConnection::close);
		}
	}

	@OverEveryTransport
	void thousandMessagesFromOnePublisherArriveInOrder(Transport transport) {
		String topic = topic("order");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "ordered");
			for (int i = 0; i < 1000; i++) {
				publisher.publish(topic, Integer.toString(i));
			}
			List<StompFrame> messages = subscriber.receiveMessages(1000, StompConnection.LONG_WAIT);
			for (int i = 0; i < 1000; i++) {
				assertThat(messages.get(i).bodyText()).as("message %d", i).isEqualTo(Integer.toString(i));
			}
			assertThat(messages).extracting((m) -> m.header("message-id")).doesNotHaveDuplicates();
		}
	}

	@OverEveryTransport
	void unsubscribeStopsDelivery(Transport transport) {
		String topic = topic("unsub");
		String fence = topic("fence");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "main");
			subscriber.subscribe(fence, "fence");
			publisher.publish(topic, "before");
			assertThat(subscriber.receive("MESSAGE").bodyText()).isEqualTo("before");
			subscriber.unsubscribe("main");
			publisher.publish(topic, "after");
			publisher.publish(fence, "fence");
			// the fence message was published after "after": nothing of "main" may
			// precede it
			StompFrame next = subscriber.receive("MESSAGE");
			assertThat(next.header("subscription")).isEqualTo("fence");
			assertThat(next.bodyText()).isEqualTo("fence");
			subscriber.expectNoFrame(Duration.ofMillis(200));
		}
	}

	@OverEveryTransport
	void wildcardsMatchOneOrManySegments(Transport transport) {
		String base = "/topic/" + HeraldServer.unique("wild");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(base + ".prices.*", "star");
			subscriber.subscribe(base + ".chat.#", "hash");
			subscriber.subscribe(base + ".fence", "fence");
			publisher.publish(base + ".prices.AAPL", "star-match");
			publisher.publish(base + ".prices.AAPL.bid", "star-too-deep");
			publisher.publish(base + ".prices", "star-too-short");
			publisher.publish(base + ".chat", "hash-zero");
			publisher.publish(base + ".chat.room.42", "hash-two");
			publisher.publish(base + ".other.x", "no-match");
			publisher.publish(base + ".fence", "fence");
			List<String> got = new ArrayList<>();
			while (true) {
				StompFrame message = subscriber.receive("MESSAGE");
				got.add(message.header("subscription") + ":" + message.bodyText());
				if (message.header("subscription").equals("fence")) {
					break;
				}
			}
			assertThat(got).containsExactly("star:star-match", "hash:hash-zero", "hash:hash-two", "fence:fence");
		}
	}

	@OverEveryTransport
	void overlappingSubscriptionsEachGetACopy(Transport transport) {
		String base = "/topic/" + HeraldServer.unique("overlap");
		try (StompConnection subscriber = transport.connect(server)) {
			subscriber.subscribe(base + ".a", "exact");
			subscriber.subscribe(base + ".*", "star");
			subscriber.sendWithReceipt(StompFrame.create("SEND").header("destination", base + ".a").body("once"));
			List<StompFrame> messages = subscriber.receiveMessages(2, StompConnection.WAIT);
			assertThat(messages).extracting((m) -> m.header("subscription")).containsExactlyInAnyOrder("exact", "star");
			assertThat(messages).extracting((m) -> m.header("destination")).containsOnly(base + ".a");
		}
	}

	@OverEveryTransport
	void customHeadersAndContentTypePassThrough(Transport transport) {
		String topic = topic("headers");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "h");
			publisher.send(StompFrame.create("SEND")
				.header("destination", topic)
				.header("content-type", "application/json;charset=utf-8")
				.header("x-trace-id", "abc-123")
				.header("priority", "9")
				.header("x-repeated", "first")
				.header("x-repeated", "second")
				.body("{\"bid\":189.5}"));
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.header("content-type")).isEqualTo("application/json;charset=utf-8");
			assertThat(message.header("x-trace-id")).isEqualTo("abc-123");
			assertThat(message.header("priority")).isEqualTo("9");
			assertThat(message.header("x-repeated")).isEqualTo("first");
			assertThat(message.header("content-length")).isEqualTo("13");
			assertThat(message.header("subscription")).isEqualTo("h");
			assertThat(message.bodyText()).isEqualTo("{\"bid\":189.5}");
			assertThat(message.headerNames()).doesNotContain("receipt", "transaction");
		}
	}

	@OverEveryTransport
	void headerValuesAreEscapedPerStomp12(Transport transport) {
		String topic = topic("escape");
		String value = "colon:line\nfeed\\back\rreturn";
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "sub:with:colons");
			publisher.send(StompFrame.create("SEND").header("destination", topic).header("x-tricky", value).body("e"));
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.header("x-tricky")).isEqualTo(value);
			assertThat(message.header("subscription")).isEqualTo("sub:with:colons");
		}
	}

	@OverEveryTransport
	void utf8BodiesAndHeadersArriveIntact(Transport transport) {
		String topic = topic("utf8");
		String text = "héllo wörld — 日本語 — 🚀 — Ελληνικά";
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "u");
			publisher.send(StompFrame.create("SEND")
				.header("destination", topic)
				.header("x-name", "Zoë 🚀")
				.header("content-type", "text/plain;charset=utf-8")
				.body(text));
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.bodyText()).isEqualTo(text);
			assertThat(message.header("x-name")).isEqualTo("Zoë 🚀");
			assertThat(message.header("content-length"))
				.isEqualTo(Integer.toString(text.getBytes(StandardCharsets.UTF_8).length));
			assertThat(message.arrivedAsBinary()).as("UTF-8 body in a text message").isFalse();
		}
	}

	@OverEveryTransport
	void binaryBodiesArriveIntact(Transport transport) {
		assumeTrue(transport.carriesBinary(), "SockJS carries text only: binary bodies are not supported over it");
		String topic = topic("binary");
		byte[] body = new byte[1024];
		for (int i = 0; i < body.length; i++) {
			body[i] = (byte) (255 - (i % 256));
		}
		body[10] = 0;
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "b");
			StompFrame send = StompFrame.create("SEND")
				.header("destination", topic)
				.header("content-type", "application/octet-stream")
				.body(body);
			publisher.sendRaw(send.encode(), true);
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.body()).isEqualTo(body);
			assertThat(message.header("content-length")).isEqualTo("1024");
			assertThat(message.header("content-type")).isEqualTo("application/octet-stream");
			if (transport == Transport.WEBSOCKET) {
				assertThat(message.arrivedAsBinary()).as("non-UTF-8 body in a binary WebSocket message").isTrue();
			}
		}
	}

	@OverEveryTransport
	void emptyBody(Transport transport) {
		String topic = topic("empty");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "e");
			publisher.send(StompFrame.create("SEND").header("destination", topic));
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.body()).isEmpty();
			assertThat(message.header("content-length")).isEqualTo("0");
		}
	}

	@OverEveryTransport
	void bodiesOf256KiBAnd1MiB(Transport transport) {
		String topic = topic("large");
		Random random = new Random(42);
		// The SockJS endpoint buffers whole inbound messages in the container's 8 KiB
		// message buffer (SockJS has no partial messages), so over SockJS only the
		// delivery of large bodies is tested; they are published over WebSocket.
		Transport publishing = (transport == Transport.SOCKJS) ? Transport.WEBSOCKET : transport;
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = publishing.connect(server)) {
			subscriber.subscribe(topic, "l");
			for (int size : new int[] { 256 * 1024, 1024 * 1024 }) {
				byte[] body = new byte[size];
				for (int i = 0; i < size; i++) {
					body[i] = (byte) ('a' + random.nextInt(26));
				}
				publisher.sendWithReceipt(StompFrame.create("SEND").header("destination", topic).body(body));
				StompFrame message = subscriber.receive(StompConnection.LONG_WAIT);
				assertThat(message.command()).isEqualTo("MESSAGE");
				assertThat(message.header("content-length")).isEqualTo(Integer.toString(size));
				assertThat(message.body()).as("%d byte body", size).isEqualTo(body);
			}
		}
	}

	@OverEveryTransport
	void hundredSubscriptionsOnOneConnection(Transport transport) {
		String base = "/topic/" + HeraldServer.unique("hundred");
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			for (int i = 0; i < 100; i++) {
				subscriber.subscribe(base + "." + i, "s" + i);
			}
			for (int i = 0; i < 100; i++) {
				publisher.publish(base + "." + i, "for-" + i);
			}
			Map<String, String> bySubscription = new HashMap<>();
			for (StompFrame message : subscriber.receiveMessages(100, StompConnection.LONG_WAIT)) {
				assertThat(bySubscription.put(message.header("subscription"), message.bodyText())).isNull();
			}
			for (int i = 0; i < 100; i++) {
				assertThat(bySubscription).containsEntry("s" + i, "for-" + i);
			}
		}
	}

	@OverEveryTransport
	void subscribersOfEveryVersionGetTheirOwnEncoding(Transport transport) {
		String topic = topic("versions");
		String value = "a:b\\c";
		try (StompConnection v10 = transport.open(server);
				StompConnection v11 = transport.open(server);
				StompConnection v12 = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			v10.sendUnescaped(StompFrame.create("CONNECT").header("accept-version", "1.0"));
			v10.receive("CONNECTED");
			v10.sendUnescaped(StompFrame.create("SUBSCRIBE")
				.header("destination", topic)
				.header("id", "ten")
				.header("receipt", "s10"));
			v10.awaitReceipt("s10");
			v11.send(StompFrame.create("CONNECT").header("accept-version", "1.1").header("host", "localhost"));
			assertThat(v11.receive("CONNECTED").header("version")).isEqualTo("1.1");
			v11.subscribe(topic, "el:even");
			v12.subscribe(topic, "twe:lve");

			publisher.send(StompFrame.create("SEND").header("destination", topic).header("x-v", value).body("same"));
			StompFrame ten = v10.receive("MESSAGE");
			StompFrame eleven = v11.receive("MESSAGE");
			StompFrame twelve = v12.receive("MESSAGE");
			// 1.0 has no escapes: the value goes out as it is
			assertThat(ten.header("x-v")).isEqualTo(value);
			assertThat(ten.header("subscription")).isEqualTo("ten");
			assertThat(eleven.header("x-v")).isEqualTo(value);
			assertThat(eleven.header("subscription")).isEqualTo("el:even");
			assertThat(twelve.header("x-v")).isEqualTo(value);
			assertThat(twelve.header("subscription")).isEqualTo("twe:lve");
			assertThat(List.of(ten, eleven, twelve)).allSatisfy((m) -> assertThat(m.bodyText()).isEqualTo("same"));
		}
	}

	@OverEveryTransport
	void concurrentPublishersEachKeepTheirOrder(Transport transport) throws Exception {
		String topic = topic("concurrent");
		int publishers = 4;
		int perPublisher = 250;
		try (StompConnection subscriber = transport.connect(server)) {
			subscriber.subscribe(topic, "all");
			List<Thread> threads = new ArrayList<>();
			List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
			for (int p = 0; p < publishers; p++) {
				String name = "p" + p;
				Thread thread = new Thread(() -> {
					try (StompConnection publisher = transport.connect(server)) {
						for (int i = 0; i < perPublisher; i++) {
							publisher.publish(topic, name + ":" + i);
						}
						publisher.disconnect();
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				});
				threads.add(thread);
				thread.start();
			}
			Map<String, Integer> next = new HashMap<>();
			for (StompFrame message : subscriber.receiveMessages(publishers * perPublisher,
					StompConnection.LONG_WAIT)) {
				String[] parts = message.bodyText().split(":");
				int expected = next.getOrDefault(parts[0], 0);
				assertThat(Integer.parseInt(parts[1])).as("next message of %s", parts[0]).isEqualTo(expected);
				next.put(parts[0], expected + 1);
			}
			for (Thread thread : threads) {
				thread.join(StompConnection.WAIT.toMillis());
			}
			assertThat(failures).isEmpty();
		}
	}

	@OverEveryTransport
	void textBodyWithNulBytesNeedsContentLength(Transport transport) {
		String topic = topic("nul");
		String text = "before\0middle\0after";
		try (StompConnection subscriber = transport.connect(server);
				StompConnection publisher = transport.connect(server)) {
			subscriber.subscribe(topic, "n");
			publisher.send(StompFrame.create("SEND").header("destination", topic).body(text));
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.bodyText()).isEqualTo(text);
			assertThat(message.header("content-length")).isEqualTo(Integer.toString(text.length()));
			assertThat(message.arrivedAsBinary()).as("NUL is valid UTF-8: a text message").isFalse();
		}
	}

	@OverEveryTransport
	void subscribersOnEveryTransportGetWhatOnePublisherSends(Transport publishing) {
		String topic = topic("cross");
		byte[] binary = { (byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF, 42 };
		List<StompConnection> subscribers = new ArrayList<>();
		try (StompConnection publisher = publishing.connect(server)) {
			for (Transport transport : Transport.values()) {
				StompConnection subscriber = transport.connect(server);
				subscribers.add(subscriber);
				subscriber.subscribe(topic, "x-" + transport);
			}
			publisher.publish(topic, "text from " + publishing);
			if (publishing.carriesBinary()) {
				publisher.sendRaw(StompFrame.create("SEND").header("destination", topic).body(binary).encode(), true);
			}
			publisher.publish(topic, "after");
			for (int i = 0; i < subscribers.size(); i++) {
				StompConnection subscriber = subscribers.get(i);
				assertThat(subscriber.receive("MESSAGE").bodyText()).isEqualTo("text from " + publishing);
				if (publishing.carriesBinary() && Transport.values()[i].carriesBinary()) {
					StompFrame message = subscriber.receive("MESSAGE");
					assertThat(message.body()).isEqualTo(binary);
					assertThat(message.arrivedAsBinary()).isEqualTo(Transport.values()[i] == Transport.WEBSOCKET);
				}
				assertThat(subscriber.receive("MESSAGE").bodyText()).as("%s", subscriber).isEqualTo("after");
			}
		}
		finally {
			subscribers.forEach(StompConnection::close);
		}
	}

}
