package io.herald.routing;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Headers;

import static org.assertj.core.api.Assertions.assertThat;

class TopicMemoryTest {

	private static final TopicRules.Rule RETAIN = new TopicRules.Rule(List.of(DestinationPattern.compile("/#")),
			TopicRules.Retain.LAST);

	private final MemoryBudget memory = new MemoryBudget(1 << 20);

	private static Message message(String topic, String body) {
		return new Message("/topic/" + topic, Headers.builder().build(), body.getBytes(), topic + "-" + body, false);
	}

	private static PublishResult publish(TopicMemory values, String topic, String body) {
		return values.publish(topic, message(topic, body), RETAIN, (m) -> PublishResult.delivered(0));
	}

	private static List<String> matching(TopicMemory values, String pattern) {
		List<String> bodies = new ArrayList<>();
		values.forEachMatching(pattern, (m) -> bodies.add(new String(m.body())));
		return bodies;
	}

	@Test
	void theLastValueOfEachTopicIsKeptAndFoundByPatternInNameOrder() {
		TopicMemory values = new TopicMemory(100, 1 << 20, this.memory);
		publish(values, "prices.MSFT", "1");
		publish(values, "prices.AAPL", "1");
		publish(values, "prices.AAPL", "2");
		publish(values, "news.AAPL", "n");
		assertThat(matching(values, "prices.*")).containsExactly("2", "1");
		assertThat(matching(values, "#")).hasSize(3);
		assertThat(matching(values, "prices.AAPL")).containsExactly("2");
		assertThat(values.count()).isEqualTo(3);
	}

	@Test
	void sequencesOnlyGrowAndAnEmptyBodyClears() {
		TopicMemory values = new TopicMemory(100, 1 << 20, this.memory);
		Message first = message("t", "a");
		Message clear = message("t", "");
		values.publish("t", first, RETAIN, (m) -> PublishResult.delivered(0));
		values.publish("t", clear, RETAIN, (m) -> PublishResult.delivered(0));
		assertThat(clear.retainSequence()).isGreaterThan(first.retainSequence());
		assertThat(matching(values, "t")).isEmpty();
		assertThat(values.count()).isZero();
		assertThat(values.bytes()).isZero();
		assertThat(this.memory.usedBytes()).as("all given back").isZero();
		publish(values, "t", "again");
		assertThat(matching(values, "t")).containsExactly("again");
	}

	@Test
	void boundsEvictTheLeastRecentlyUpdatedAndTheBudgetFollows() {
		Message sample = message("x0", "v");
		long each = sample.footprint();
		TopicMemory values = new TopicMemory(100, each * 3 + each / 2, this.memory);
		for (int i = 0; i < 5; i++) {
			publish(values, "x" + i, "v");
		}
		assertThat(values.count()).isEqualTo(3);
		assertThat(values.evicted()).isEqualTo(2);
		assertThat(matching(values, "*")).hasSize(3);
		assertThat(this.memory.usedBytes()).isEqualTo(values.bytes());
		TopicMemory counted = new TopicMemory(2, 1 << 20, this.memory);
		publish(counted, "a", "1");
		publish(counted, "b", "1");
		publish(counted, "a", "2");
		publish(counted, "c", "1");
		assertThat(matching(counted, "*")).as("b was the least recently updated").containsExactly("2", "1");
	}

}
