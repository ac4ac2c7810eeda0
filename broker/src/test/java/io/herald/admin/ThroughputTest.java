package io.herald.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ThroughputTest {

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong delivered = new AtomicLong();

	private final AtomicLong bytesOut = new AtomicLong();

	private final AtomicLong slow = new AtomicLong();

	private final AtomicReference<Histogram> latencies = new AtomicReference<>();

	private final AtomicLong now = new AtomicLong();

	private final Throughput throughput = new Throughput(
			() -> new Throughput.Totals(this.published.get(), this.delivered.get(), 0, this.bytesOut.get(), 3,
					this.slow.get(), this.latencies.getAndSet(null)),
			this.now::get, Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC));

	@Test
	void noRatesBeforeTwoSamples() {
		this.throughput.sample();
		assertThat(this.throughput.rates()).isEqualTo(new Throughput.Rates(0, 0, 0, 0, 0, 0, null, null, null));
		assertThat(this.throughput.history()).isEmpty();
	}

	@Test
	void theLastSecondAndTheLastMinuteAreMeasuredApart() {
		// a minute at 100 in / 1,000 out per second, then one second at 500 / 5,000
		for (int second = 0; second <= 60; second++) {
			tick(second == 0 ? 0 : 100, second == 0 ? 0 : 1_000);
		}
		tick(500, 5_000);
		Throughput.Rates rates = this.throughput.rates();
		assertThat(rates.publishedPerSecond()).isCloseTo(500, within(1e-9));
		assertThat(rates.deliveredPerSecond()).isCloseTo(5_000, within(1e-9));
		// the oldest sample of the window is a minute back: 59 s at 100 and 1 s at 500
		assertThat(rates.publishedPerSecondOverAMinute()).isCloseTo((59 * 100 + 500) / 60.0, within(1e-9));
		assertThat(rates.deliveredPerSecondOverAMinute()).isCloseTo((59 * 1_000 + 5_000) / 60.0, within(1e-9));
	}

	@Test
	void aShortHistoryAveragesOverWhatThereIs() {
		tick(0, 0);
		tick(10, 20);
		tick(30, 40);
		Throughput.Rates rates = this.throughput.rates();
		assertThat(rates.publishedPerSecond()).isCloseTo(30, within(1e-9));
		assertThat(rates.publishedPerSecondOverAMinute()).isCloseTo(20, within(1e-9));
		assertThat(rates.deliveredPerSecondOverAMinute()).isCloseTo(30, within(1e-9));
	}

	@Test
	void eachSecondKeepsItsLatencyPercentilesBytesAndSlowConsumers() {
		tick(0, 0);
		Histogram second = new Histogram(TimeUnit.MINUTES.toNanos(1), 2);
		for (int i = 1; i <= 100; i++) {
			second.recordValue(TimeUnit.MILLISECONDS.toNanos(i));
		}
		this.latencies.set(second);
		this.bytesOut.addAndGet(4_096);
		this.slow.incrementAndGet();
		tick(10, 10);
		tick(10, 10);
		Throughput.Second measured = this.throughput.history().get(0);
		assertThat(measured.latencyP50Millis()).isCloseTo(50, within(1.0));
		assertThat(measured.latencyP99Millis()).isCloseTo(99, within(1.0));
		assertThat(measured.latencyMaxMillis()).isCloseTo(100, within(1.0));
		assertThat(measured.bytesOutPerSecond()).isCloseTo(4_096, within(1e-9));
		assertThat(measured.slowConsumers()).isEqualTo(1);
		assertThat(measured.sessions()).isEqualTo(3);
		Throughput.Second quiet = this.throughput.history().get(1);
		assertThat(quiet.latencyP50Millis()).as("no deliveries sampled: no figure, not a zero").isNull();
		assertThat(quiet.slowConsumers()).isZero();
		assertThat(this.throughput.rates().latencyP99Millis()).isNull();
	}

	@Test
	void historyKeepsTheLastFiveMinutesOldestFirst() {
		for (int second = 0; second <= Throughput.HISTORY + 10; second++) {
			tick(second, 0);
		}
		assertThat(this.throughput.history()).hasSize(Throughput.HISTORY);
		assertThat(this.throughput.history().get(Throughput.HISTORY - 1).publishedPerSecond())
			.isCloseTo(Throughput.HISTORY + 10, within(1e-9));
		assertThat(this.throughput.history().get(0).publishedPerSecond()).isCloseTo(11, within(1e-9));
	}

	private void tick(long in, long out) {
		this.published.addAndGet(in);
		this.delivered.addAndGet(out);
		this.throughput.sample();
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(1));
	}

}
