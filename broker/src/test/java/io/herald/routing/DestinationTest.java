package io.herald.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.herald.routing.Destination.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DestinationTest {

	@Test
	void topicForSubscribeAndSend() throws DestinationException {
		assertThat(Destination.forSubscribe("/topic/prices.AAPL"))
			.isEqualTo(new Destination(Kind.TOPIC, "prices.AAPL", null));
		assertThat(Destination.forSend("/topic/prices.AAPL"))
			.isEqualTo(new Destination(Kind.TOPIC, "prices.AAPL", null));
	}

	@Test
	void topicPatternsAreForSubscribeOnly() throws DestinationException {
		assertThat(Destination.forSubscribe("/topic/prices.*"))
			.isEqualTo(new Destination(Kind.TOPIC, "prices.*", null));
		assertThat(Destination.forSubscribe("/topic/#")).isEqualTo(new Destination(Kind.TOPIC, "#", null));
		assertThatExceptionOfType(DestinationException.class).isThrownBy(() -> Destination.forSend("/topic/prices.*"))
			.withMessageContaining("'/topic/prices.*'")
			.withMessageContaining("wildcard");
		assertThatExceptionOfType(DestinationException.class).isThrownBy(() -> Destination.forSend("/topic/a.#.b"));
	}

	@Test
	void queueForSubscribeAndSend() throws DestinationException {
		assertThat(Destination.forSubscribe("/queue/jobs")).isEqualTo(new Destination(Kind.QUEUE, "jobs", null));
		assertThat(Destination.forSend("/queue/jobs")).isEqualTo(new Destination(Kind.QUEUE, "jobs", null));
	}

	@Test
	void queueNamesAreNotPatterns() throws DestinationException {
		assertThat(Destination.forSend("/queue/a.*")).isEqualTo(new Destination(Kind.QUEUE, "a.*", null));
	}

	@Test
	void userQueueForSubscribeNamesNoUser() throws DestinationException {
		assertThat(Destination.forSubscribe("/user/queue/inbox"))
			.isEqualTo(new Destination(Kind.USER, "/queue/inbox", null));
	}

	@Test
	void userQueueForSendNamesItsUser() throws DestinationException {
		assertThat(Destination.forSend("/user/alice/queue/inbox"))
			.isEqualTo(new Destination(Kind.USER, "/queue/inbox", "alice"));
		assertThat(Destination.forSend("/user/alice/queue/a/b"))
			.isEqualTo(new Destination(Kind.USER, "/queue/a/b", "alice"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "/topic/", "/queue/", "/topic", "/queue", "topic/a", "/topics/a", "/exchange/a",
			"/user/", "/user/queue/", "/user/topic/a", "/user/alice/queue/x", "/temp-queue/a" })
	void badSubscribeDestinationsAreRefusedNamingThem(String destination) {
		assertThatExceptionOfType(DestinationException.class).isThrownBy(() -> Destination.forSubscribe(destination))
			.withMessageContaining("'" + destination + "'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "/topic/", "/queue/", "/topic", "/user/", "/user/alice", "/user/alice/",
			"/user//queue/x", "/user/alice/queue/", "/user/alice/topic/x", "/user/queue/inbox", "/exchange/a" })
	void badSendDestinationsAreRefusedNamingThem(String destination) {
		assertThatExceptionOfType(DestinationException.class).isThrownBy(() -> Destination.forSend(destination))
			.withMessageContaining("'" + destination + "'");
	}

}
