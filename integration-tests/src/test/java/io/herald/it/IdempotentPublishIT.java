package io.herald.it;

import java.time.Duration;

import io.herald.it.security.Tokens;
import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotent publish ({@code herald.topics.rules[N].idempotency-window}): a SEND retried
 * with the same {@code x-herald-idempotency-key} by the same user within the window still
 * gets its RECEIPT and is not routed again.
 */
class IdempotentPublishIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(
			"--herald.topics.rules[0].destinations[0]=/topic/once.#", "--herald.topics.rules[0].idempotency-window=30s",
			"--herald.topics.rules[0].history-size=100", "--herald.security.jwt.secret=" + Tokens.SECRET);

	private static StompFrame keyed(String topic, String key, String body) {
		return StompFrame.create("SEND")
			.header("destination", topic)
			.header("x-herald-idempotency-key", key)
			.body(body);
	}

	@OverEveryTransport
	void aRetryWithTheSameKeyGetsItsReceiptAndIsNotRoutedAgain(Transport transport) {
		String topic = "/topic/once." + HeraldServer.unique("retry");
		try (StompConnection subscriber = transport.connect(server); StompConnection feed = transport.connect(server)) {
			subscriber.subscribe(topic, "s");
			assertThat(feed.sendWithReceipt(keyed(topic, "tick-1", "first")).command()).isEqualTo("RECEIPT");
			assertThat(feed.sendWithReceipt(keyed(topic, "tick-1", "retried")).command()).isEqualTo("RECEIPT");
			feed.sendWithReceipt(keyed(topic, "tick-2", "second"));
			var messages = subscriber.receiveMessages(2, StompConnection.WAIT);
			assertThat(messages).extracting(StompFrame::bodyText).containsExactly("first", "second");
			assertThat(messages).extracting((m) -> m.header("x-herald-offset"))
				.as("the duplicate took no offset")
				.containsExactly("1", "2");
			assertThat(messages.get(0).header("x-herald-idempotency-key")).as("a control header").isNull();
			subscriber.expectNoFrame(Duration.ofMillis(300));
		}
	}

	@Test
	void theKeyCountsForEverySessionOfTheSameUserAndOnlyForThem() {
		String topic = "/topic/once." + HeraldServer.unique("users");
		try (StompConnection subscriber = Transport.TCP.connect(server);
				StompConnection feedA = Transport.TCP.open(server);
				StompConnection feedB = Transport.TCP.open(server);
				StompConnection other = Transport.TCP.open(server)) {
			subscriber.subscribe(topic, "s");
			feedA.connect("passcode", Tokens.valid("feed"));
			feedB.connect("passcode", Tokens.valid("feed"));
			other.connect("passcode", Tokens.valid("someone-else"));
			feedA.sendWithReceipt(keyed(topic, "k", "from A"));
			feedB.sendWithReceipt(keyed(topic, "k", "from B, same user"));
			other.sendWithReceipt(keyed(topic, "k", "another user"));
			assertThat(subscriber.receiveMessages(2, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("from A", "another user");
			subscriber.expectNoFrame(Duration.ofMillis(300));
		}
	}

}
