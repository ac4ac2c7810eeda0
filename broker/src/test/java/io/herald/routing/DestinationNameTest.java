package io.herald.routing;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.herald.routing.Destination.Kind;

import static org.assertj.core.api.Assertions.assertThat;

class DestinationNameTest {

	@Test
	void readsTheKindPrefixAndLeavesTheName() {
		assertThat(DestinationName.read("/topic/prices.AAPL"))
			.isEqualTo(new DestinationName(Kind.TOPIC, null, "prices.AAPL"));
		assertThat(DestinationName.read("/queue/jobs")).isEqualTo(new DestinationName(Kind.QUEUE, null, "jobs"));
		assertThat(DestinationName.read("/user/queue/inbox")).isEqualTo(new DestinationName(Kind.USER, null, "inbox"));
		assertThat(DestinationName.read("/user/alice/queue/in.box"))
			.isEqualTo(new DestinationName(Kind.USER, "alice", "in.box"));
	}

	@Test
	void isLenientAboutWhatOnlyAnOperationRefuses() {
		assertThat(DestinationName.read("/topic/")).isEqualTo(new DestinationName(Kind.TOPIC, null, ""));
		assertThat(DestinationName.read("/topic/a.*")).isEqualTo(new DestinationName(Kind.TOPIC, null, "a.*"));
		assertThat(DestinationName.readSent("/user/queue/inbox")).as("no addressed reading, so the own form")
			.isEqualTo(new DestinationName(Kind.USER, null, "inbox"));
		assertThat(DestinationName.read("/user/{user}/queue/#"))
			.isEqualTo(new DestinationName(Kind.USER, "{user}", "#"));
	}

	@Test
	void aUserNamedQueueIsAddressedOnlyWhenSending() {
		assertThat(DestinationName.read("/user/queue/queue/x"))
			.isEqualTo(new DestinationName(Kind.USER, null, "queue/x"));
		assertThat(DestinationName.readSent("/user/queue/queue/x"))
			.isEqualTo(new DestinationName(Kind.USER, "queue", "x"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "/topic", "topic/a", "/topics/a", "/exchange/a", "/user/", "/user/topic/a",
			"/user//queue/x", "/user/a/b/queue/x", "/temp-queue/a" })
	void destinationsWithoutAServedPrefixAreNotRead(String destination) {
		assertThat(DestinationName.read(destination)).isNull();
		assertThat(DestinationName.readSent(destination)).isNull();
	}

	@Test
	void segmentsAreTheNameSplitAtDotsKeepingEmptyOnes() {
		assertThat(DestinationName.read("/topic/a..b.").segments()).containsExactly("a", "", "b", "");
		assertThat(DestinationName.read("/topic/").segments()).containsExactly("");
		assertThat(DestinationName.read("/queue/a/b").segments()).containsExactly("a/b");
	}

	@Test
	void wildcardsAreWholeSegmentsOnly() {
		assertThat(DestinationName.hasWildcard("*")).isTrue();
		assertThat(DestinationName.hasWildcard("a.#")).isTrue();
		assertThat(DestinationName.hasWildcard("#.a")).isTrue();
		assertThat(DestinationName.hasWildcard("a.*.b")).isTrue();
		assertThat(DestinationName.hasWildcard("a*.b#")).isFalse();
		assertThat(DestinationName.hasWildcard("a..b")).isFalse();
		assertThat(DestinationName.hasWildcard("")).isFalse();
		assertThat(Arrays.stream(DestinationName.split("x.*.#")).filter(DestinationName::isWildcard))
			.containsExactly("*", "#");
	}

}
