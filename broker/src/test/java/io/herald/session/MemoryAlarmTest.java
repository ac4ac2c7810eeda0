package io.herald.session;

import org.junit.jupiter.api.Test;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Command;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node-wide memory budget: bytes waiting for a client that does not read count
 * against it; over it the alarm refuses publishing with an ERROR naming the limit, and
 * once the client reads (below the low watermark) publishing works again by itself.
 */
class MemoryAlarmTest {

	private static final String BODY = "x".repeat(8 * 1024);

	private final MemoryBudget memory = new MemoryBudget(64 * 1024);

	private final BrokerHarness harness = BrokerHarness.builder().memory(this.memory).build();

	@Test
	void alarmEngagesWhenTheBudgetFillsAndReleasesWhenItDrains() {
		StompClient stalled = this.harness.connect();
		stalled.subscribe("s", "/topic/feed");
		stalled.drain();
		stalled.connection().stall();
		StompClient publisher = this.harness.connect();
		for (int i = 0; i < 8; i++) {
			publisher.publish("/topic/feed", BODY, "receipt", "r" + i);
			publisher.expectReceipt("r" + i);
		}
		assertThat(this.memory.usedBytes()).as("held for the stalled client").isGreaterThan(64 * 1024);
		assertThat(this.memory.isAlarmed()).isTrue();

		publisher.publish("/topic/feed", BODY, "receipt", "refused");
		assertThat(publisher.expectError().header("message")).startsWith("memory alarm: the broker holds ")
			.contains("herald.limits.max-memory");
		assertThat(this.harness.broker().stats().closed(CloseReason.LIMIT_EXCEEDED)).isEqualTo(1);

		StompClient inTransaction = this.harness.connect();
		inTransaction.send(Command.BEGIN, "transaction", "t");
		inTransaction.publish("/topic/feed", "held", "transaction", "t");
		assertThat(inTransaction.expectError().header("message")).startsWith("memory alarm");

		stalled.connection().resume();
		assertThat(stalled.drain()).hasSize(8);
		assertThat(this.memory.usedBytes()).as("nothing held once written").isLessThan(this.memory.lowBytes());
		assertThat(this.memory.isAlarmed()).isFalse();
		StompClient later = this.harness.connect();
		later.publish("/topic/feed", "after the alarm", "receipt", "ok");
		later.expectReceipt("ok");
		assertThat(stalled.next(Command.MESSAGE).bodyAsText()).isEqualTo("after the alarm");
	}

	@Test
	void bytesOfClosedSessionsAndTransactionsGoBackToTheBudget() {
		StompClient stalled = this.harness.connect();
		stalled.subscribe("s", "/topic/feed");
		stalled.connection().stall();
		StompClient publisher = this.harness.connect();
		publisher.send(Command.BEGIN, "transaction", "t");
		publisher.publish("/topic/feed", BODY, "transaction", "t");
		assertThat(this.memory.usedBytes()).as("held in the transaction").isGreaterThanOrEqualTo(BODY.length());
		publisher.send(Command.COMMIT, "transaction", "t", "receipt", "c");
		publisher.expectReceipt("c");
		assertThat(this.memory.usedBytes()).as("held for the stalled client").isGreaterThanOrEqualTo(BODY.length());
		stalled.closeSocket();
		publisher.send(Command.BEGIN, "transaction", "u");
		publisher.publish("/topic/feed", BODY, "transaction", "u");
		publisher.closeSocket();
		assertThat(this.memory.usedBytes()).isZero();
	}

	@Test
	void partlyReceivedFramesCountAndCannotGrowWhileAlarmed() {
		StompClient partial = this.harness.connect();
		partial.sendRaw("SEND\ndestination:/topic/feed\ncontent-length:100000\n\n" + "p".repeat(5000));
		assertThat(this.memory.usedBytes()).as("the frame in progress").isBetween(5000L, 20_000L);
		partial.closeSocket();
		assertThat(this.memory.usedBytes()).isZero();

		StompClient stalled = this.harness.connect();
		stalled.subscribe("s", "/topic/feed");
		stalled.connection().stall();
		StompClient publisher = this.harness.connect();
		for (int i = 0; i < 8; i++) {
			publisher.publish("/topic/feed", BODY);
		}
		assertThat(this.memory.isAlarmed()).isTrue();
		StompClient grower = this.harness.connect();
		grower.sendRaw("SEND\ndestination:/topic/feed\ncontent-length:100000\n\n" + "p".repeat(1000));
		assertThat(grower.expectError().header("message")).startsWith("memory alarm");
	}

}
