package io.herald.admin;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ThroughputTest {

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong delivered = new AtomicLong();

	private final AtomicLong now = new AtomicLong();

	private final Throughput throughput = new Throughput(this.published::get, this.delivered::get, this.now::get);

	@Test
	void noRatesBeforeTwoSamples() {
		this.throughput.sample();
		assertThat(this.throughput.rates()).isEqualTo(new Throughput.Rates(0, 0, 0, 0));
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

	private void tick(long in, long out) {
		this.published.addAndGet(in);
		this.delivered.addAndGet(out);
		this.throughput.sample();
		this.now.addAndGet(TimeUnit.SECONDS.toNanos(1));
	}

}
