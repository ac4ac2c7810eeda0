package io.herald.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

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
		TopicMemory values = new TopicMemory(100, each * 7, this.memory);
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

	private static TopicRules.Rule history(int size, long ttlNanos) {
		return new TopicRules.Rule(List.of(DestinationPattern.compile("/#")), TopicRules.Retain.NONE, size, ttlNanos,
				0);
	}

	private static List<String> replayed(TopicMemory values, String topic, TopicRules.Rule rule, Position since,
			int rewind, boolean[] recovered) {
		List<String> bodies = new ArrayList<>();
		values.replay(topic, rule, since, rewind, (answer) -> recovered[0] = answer,
				(m) -> bodies.add(new String(m.body())));
		return bodies;
	}

	@Test
	void aHistoryNumbersItsMessagesKeepsTheLastNAndExpiresByTime() {
		AtomicLong now = new AtomicLong();
		TopicMemory values = new TopicMemory(100, 1 << 20, this.memory, now::get);
		TopicRules.Rule rule = history(3, 1_000);
		Message last = null;
		for (int i = 1; i <= 5; i++) {
			last = message("h", Integer.toString(i));
			values.publish("h", last, rule, (m) -> PublishResult.delivered(0));
			now.addAndGet(100);
		}
		assertThat(last.offset()).isEqualTo(5);
		boolean[] recovered = new boolean[1];
		assertThat(replayed(values, "h", rule, new Position(last.epoch(), 3), 0, recovered)).containsExactly("4", "5");
		assertThat(recovered[0]).isTrue();
		assertThat(replayed(values, "h", rule, new Position(last.epoch(), 1), 0, recovered))
			.as("offset 2 is gone: what is held, not recovered")
			.containsExactly("3", "4", "5");
		assertThat(recovered[0]).isFalse();
		assertThat(replayed(values, "h", rule, null, 2, recovered)).containsExactly("4", "5");
		assertThat(recovered[0]).isTrue();
		now.addAndGet(2_000);
		assertThat(replayed(values, "h", rule, new Position(last.epoch(), 5), 0, recovered)).as("past the time to live")
			.isEmpty();
		assertThat(this.memory.usedBytes()).as("expired messages given back").isZero();
	}

	@Test
	void historiesAreBoundedByTheNodesMemoryForThemEvictingTheOldestAndCountingIt() {
		Message sample = message("b", "v");
		long each = sample.footprint();
		TopicMemory values = new TopicMemory(100, each * 10, this.memory);
		TopicRules.Rule rule = history(1_000, 0);
		for (int i = 0; i < 50; i++) {
			values.publish("b", message("b", "v"), rule, (m) -> PublishResult.delivered(0));
		}
		assertThat(values.bytes()).isLessThanOrEqualTo(each * 10);
		assertThat(values.evicted()).isGreaterThanOrEqualTo(40);
		assertThat(this.memory.usedBytes()).isEqualTo(values.bytes());
		boolean[] recovered = new boolean[1];
		assertThat(replayed(values, "b", rule, null, 20, recovered)).hasSizeLessThanOrEqualTo(10);
		assertThat(recovered[0]).as("the rewind asked for more than is held").isFalse();
	}

	@Test
	void theSweepForgetsWhatOutlivedItsTimeAndRetiresEmptyTopics() {
		AtomicLong now = new AtomicLong();
		TopicMemory values = new TopicMemory(100, 1 << 20, this.memory, now::get);
		TopicRules.Rule rule = new TopicRules.Rule(List.of(DestinationPattern.compile("/#")), TopicRules.Retain.NONE,
				10, 1_000, 1_000);
		for (int i = 0; i < 20; i++) {
			Message keyed = message("quiet" + i, "v");
			keyed.setIdempotencyKey("feed\u0000k" + i);
			values.publish("quiet" + i, keyed, rule, (m) -> PublishResult.delivered(0));
		}
		assertThat(this.memory.usedBytes()).isPositive();
		assertThat(values.sweep()).as("nothing outlived its time yet").isZero();
		now.addAndGet(5_000);
		assertThat(values.sweep()).isEqualTo(20);
		assertThat(this.memory.usedBytes()).as("histories and keys given back").isZero();
		assertThat(values.bytes()).isZero();
	}

}
