package io.herald.admin;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.session.CloseReason;
import io.herald.support.BrokerHarness;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's counters as Micrometer meters: closed sessions by reason.
 */
class BrokerMetricsTest {

	@Test
	void closedSessionsAreCountedByReason() {
		BrokerHarness harness = BrokerHarness.create();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new BrokerMetrics(harness.broker()).bindTo(registry);
		harness.connect().send(Command.DISCONNECT);
		harness.connect().send(Command.SEND);
		assertThat(registry.get("herald.sessions.closed").tag("reason", "client-disconnect").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("herald.sessions.closed").tag("reason", "protocol-violation").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("herald.sessions.closed").functionCounters()).hasSize(CloseReason.values().length);
		assertThat(registry.get("herald.sessions").gauge().value()).isZero();
	}

}
