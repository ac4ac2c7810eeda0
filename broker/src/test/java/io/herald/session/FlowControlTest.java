package io.herald.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.routing.DestinationPattern;
import io.herald.routing.Ingress;
import io.herald.routing.TopicRules;
import io.herald.routing.TopicRules.Retain;
import io.herald.routing.TopicRules.SlowConsumer;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flow control through a session, on the harness's clock: what a subscriber that stops
 * reading gets on a {@code conflate} or {@code drop-oldest} topic, what
 * {@code x-herald-max-rate} lets through, and that a subscriber that keeps up gets every
 * message unmarked.
 */
class FlowControlTest {

	/** Small, so that a few messages put a stalled subscriber behind. */
	private static final int BUFFER = 4096;

	private static final String BODY = "x".repeat(200);

	private final BrokerHarness harness = BrokerHarness.builder()
		.settings((s) -> s.outboundBufferBytes(BUFFER))
		.topicRules(rule("/topic/conflate.#", SlowConsumer.CONFLATE, 0),
				rule("/topic/drop.#", SlowConsumer.DROP_OLDEST, 0), rule("/topic/capped.#", SlowConsumer.DISCONNECT, 5))
		.build();

	private static TopicRules.Rule rule(String pattern, SlowConsumer slowConsumer, double maxRate) {
		return new TopicRules.Rule(List.of(DestinationPattern.compile(pattern)), Retain.NONE, 0, 0, 0, slowConsumer,
				maxRate);
	}

	@Test
	void aStalledConflatingSubscriberStaysAndGetsTheLatestOfEachDestinationWhileAFastOneGetsEverything() {
		StompClient slow = this.harness.connect();
		slow.subscribe("s", "/topic/conflate.*", "receipt", "sub");
		slow.expectReceipt("sub");
		StompClient fast = this.harness.connect();
		fast.subscribe("f", "/topic/conflate.*");
		slow.connection().stall();
		StompClient publisher = this.harness.connect();
		int perSymbol = 100;
		for (int i = 1; i <= perSymbol; i++) {
			for (String symbol : List.of("A", "B", "C")) {
				publisher.publish("/topic/conflate." + symbol, i + ":" + BODY);
			}
		}
		assertThat(slow.isClosed()).isFalse();
		List<Frame> everything = fast.drain();
		assertThat(everything).hasSize(3 * perSymbol)
			.allSatisfy((frame) -> assertThat(frame.header(Ingress.CONFLATED_HEADER)).isNull());
		slow.connection().resume();
		this.harness.runDue();
		Map<String, Integer> latest = new HashMap<>();
		int conflated = 0;
		int delivered = 0;
		for (Frame message : slow.drain()) {
			assertThat(message.command()).isEqualTo(Command.MESSAGE);
			int value = Integer.parseInt(message.bodyAsText().split(":")[0]);
			Integer before = latest.put(message.header("destination"), value);
			if (before != null) {
				assertThat(value).as("never an older value after a newer one").isGreaterThan(before);
			}
			String mark = message.header(Ingress.CONFLATED_HEADER);
			conflated += (mark != null) ? Integer.parseInt(mark) : 0;
			delivered++;
		}
		assertThat(latest).containsOnlyKeys("/topic/conflate.A", "/topic/conflate.B", "/topic/conflate.C")
			.allSatisfy((destination, value) -> assertThat(value).isEqualTo(perSymbol));
		assertThat(delivered + conflated).as("each message delivered or counted in a mark").isEqualTo(3 * perSymbol);
		assertThat(conflated).isPositive();
		assertThat(delivered).as("a buffer's worth, then one per destination").isLessThan(3 * perSymbol / 4);
		assertThat(this.harness.broker().stats().conflatedDeliveries()).isEqualTo(conflated);
	}

	@Test
	void aStalledDroppingSubscriberKeepsTheNewestAndSaysHowManyWentMissing() {
		StompClient slow = this.harness.connect();
		slow.subscribe("s", "/topic/drop.*", "receipt", "sub");
		slow.expectReceipt("sub");
		slow.connection().stall();
		StompClient publisher = this.harness.connect();
		int total = FlowControl.MAX_QUEUED + 500;
		for (int i = 1; i <= total; i++) {
			publisher.publish("/topic/drop.A", Integer.toString(i));
		}
		slow.connection().resume();
		this.harness.runDue();
		List<Integer> values = new ArrayList<>();
		int dropped = 0;
		int last = 0;
		for (Frame message : slow.drain()) {
			int value = Integer.parseInt(message.bodyAsText());
			String mark = message.header(Ingress.DROPPED_HEADER);
			if (mark != null) {
				assertThat(value).as("the mark is on the first after the gap")
					.isEqualTo(last + Integer.parseInt(mark) + 1);
				dropped += Integer.parseInt(mark);
			}
			else {
				assertThat(value).as("in order, no gap without a mark").isEqualTo(last + 1);
			}
			last = value;
			values.add(value);
		}
		assertThat(last).isEqualTo(total);
		assertThat(values.size() + dropped).isEqualTo(total);
		assertThat(dropped).isPositive();
		assertThat(this.harness.broker().stats().droppedDeliveries()).isEqualTo(dropped);
	}

	@Test
	void aStalledSubscriberOfATopicWithoutARuleIsStillDisconnected() {
		StompClient slow = this.harness.connect();
		slow.subscribe("s", "/topic/plain", "receipt", "sub");
		slow.expectReceipt("sub");
		slow.connection().stall();
		StompClient publisher = this.harness.connect();
		for (int i = 0; i < 100; i++) {
			publisher.publish("/topic/plain", BODY);
		}
		slow.connection().resume();
		this.harness.runDue();
		assertThat(slow.isClosed()).isTrue();
		assertThat(slow.drain()).last().satisfies((frame) -> {
			assertThat(frame.command()).isEqualTo(Command.ERROR);
			assertThat(frame.header("message")).contains("slow consumer");
		});
	}

	@Test
	void maxRateLetsOneDeliveryPerIntervalThroughAndTheLatestValueAtItsEnd() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/conflate.*", Ingress.MAX_RATE_HEADER, "2", "receipt", "sub");
		subscriber.expectReceipt("sub");
		StompClient publisher = this.harness.connect();
		for (int i = 1; i <= 10; i++) {
			publisher.publish("/topic/conflate.A", Integer.toString(i));
			publisher.publish("/topic/conflate.B", Integer.toString(i));
		}
		List<Frame> first = subscriber.drain();
		assertThat(first).extracting(Frame::bodyAsText).containsExactly("1", "1");
		this.harness.advanceMillis(499);
		assertThat(subscriber.drain()).as("nothing before the interval ends").isEmpty();
		this.harness.advanceMillis(1);
		List<Frame> second = subscriber.drain();
		assertThat(second).extracting(Frame::bodyAsText).containsExactly("10", "10");
		assertThat(second).allSatisfy((frame) -> assertThat(frame.header(Ingress.CONFLATED_HEADER)).isEqualTo("8"));
		this.harness.advanceMillis(2_000);
		assertThat(subscriber.drain()).as("nothing new, nothing sent again").isEmpty();
		publisher.publish("/topic/conflate.A", "11");
		assertThat(subscriber.drain()).extracting(Frame::bodyAsText)
			.as("a quiet destination's next value goes out at once")
			.containsExactly("11");
	}

	@Test
	void aRuleCapsTheRateAClientAsksFor() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/capped.A", Ingress.MAX_RATE_HEADER, "1000", "receipt", "sub");
		subscriber.expectReceipt("sub");
		StompClient publisher = this.harness.connect();
		for (int i = 1; i <= 3; i++) {
			publisher.publish("/topic/capped.A", Integer.toString(i));
		}
		assertThat(subscriber.drain()).extracting(Frame::bodyAsText).containsExactly("1");
		this.harness.advanceMillis(100);
		assertThat(subscriber.drain()).as("the rule's 5/s, not the asked 1000/s").isEmpty();
		this.harness.advanceMillis(100);
		assertThat(subscriber.drain()).extracting(Frame::bodyAsText).containsExactly("3");
	}

}
