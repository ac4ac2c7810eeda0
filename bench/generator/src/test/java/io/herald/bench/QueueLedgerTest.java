package io.herald.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueLedgerTest {

	@Test
	void flaggedCopyIsRedeliveredWhicheverCopyIsReadFirst() {
		QueueLedger ledger = new QueueLedger();
		ledger.expect(3);

		ledger.record(3, 1, false);
		ledger.record(3, 1, true);
		ledger.record(3, 2, true);
		ledger.record(3, 2, false);

		assertThat(ledger.redelivered()).isEqualTo(2);
		assertThat(ledger.unflaggedDuplicates()).isZero();
		assertThat(ledger.lost(new long[] { 0, 0, 0, 3 })).isEqualTo(1);
	}

	@Test
	void secondUnflaggedCopyIsADuplicate() {
		QueueLedger ledger = new QueueLedger();
		ledger.expect(0);

		ledger.record(0, 1, false);
		ledger.record(0, 1, true);
		ledger.record(0, 1, false);

		assertThat(ledger.unflaggedDuplicates()).isEqualTo(1);
		assertThat(ledger.lost(new long[] { 1 })).isZero();
	}

	@Test
	void streamThatIsNoQueueIsNotRecorded() {
		QueueLedger ledger = new QueueLedger();
		ledger.expect(0);

		assertThat(ledger.record(5, 1, false)).isFalse();
		assertThat(ledger.received()).isZero();
	}

}
