package io.herald.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.protocol.FrameLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The small parts of the session core on their own: token bucket, login throttle,
 * heart-beat arithmetic, outbound buffer, transactions and settings validation.
 */
class SessionPartsTest {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	@Test
	void tokenBucketAllowsABurstOfItsRateThenRefillsSteadily() {
		TokenBucket bucket = new TokenBucket(10, 0);
		for (int i = 0; i < 10; i++) {
			assertThat(bucket.take(1, 0)).isTrue();
		}
		assertThat(bucket.take(1, 0)).isFalse();
		assertThat(bucket.take(1, SECOND / 10)).isTrue();
		assertThat(bucket.take(1, SECOND / 10)).isFalse();
		assertThat(bucket.take(5, 10 * SECOND)).as("holds one second's worth at most").isTrue();
		assertThat(bucket.take(6, 10 * SECOND)).isFalse();
		assertThat(bucket.take(5, 10 * SECOND)).isTrue();
	}

	@Test
	void tokenBucketRefusesMoreThanItCanEverHold() {
		TokenBucket bucket = new TokenBucket(100, 0);
		assertThat(bucket.take(101, 60 * SECOND)).isFalse();
		assertThat(bucket.take(100, 60 * SECOND)).isTrue();
	}

	@Test
	void loginThrottleAnswersTheFirstFailureAtOnceThenWaits100msDoublingUpToTheCap() {
		LoginThrottle throttle = new LoginThrottle(1000);
		assertThat(throttle.failed("a", 0)).isZero();
		assertThat(throttle.failed("a", 1)).isEqualTo(100);
		assertThat(throttle.failed("a", 2)).isEqualTo(200);
		assertThat(throttle.failed("a", 3)).isEqualTo(400);
		assertThat(throttle.failed("a", 4)).isEqualTo(800);
		assertThat(throttle.failed("a", 5)).isEqualTo(1000);
		assertThat(throttle.failed("b", 6)).isZero();
		for (int i = 0; i < 100; i++) {
			assertThat(throttle.failed("a", 7 + i)).isEqualTo(1000);
		}
	}

	@Test
	void loginThrottleForgetsAfterAMinuteOfQuiet() {
		LoginThrottle throttle = new LoginThrottle(5000);
		throttle.failed("a", 0);
		assertThat(throttle.failed("a", 30 * SECOND)).isEqualTo(100);
		assertThat(throttle.failed("a", 91 * SECOND)).isZero();
	}

	@Test
	void heartBeatHeaderParsing() throws StompViolation {
		assertThat(HeartBeats.parse(null)).containsExactly(0, 0);
		assertThat(HeartBeats.parse("100,200")).containsExactly(100, 200);
		assertThat(HeartBeats.parse(" 0 , 5 ")).containsExactly(0, 5);
		for (String bad : List.of("", "1", "1,2,3", "a,b", "-1,0", "1,")) {
			assertThatExceptionOfType(StompViolation.class).as(bad).isThrownBy(() -> HeartBeats.parse(bad));
		}
	}

	@Test
	void heartBeatIntervalIsTheLargerWhenBothSidesWant() {
		assertThat(HeartBeats.interval(1000, 3000)).isEqualTo(3000);
		assertThat(HeartBeats.interval(3000, 1000)).isEqualTo(3000);
		assertThat(HeartBeats.interval(0, 1000)).isZero();
		assertThat(HeartBeats.interval(1000, 0)).isZero();
	}

	@Test
	void heartBeatCheckRunsTwicePerShortestInterval() {
		assertThat(HeartBeats.checkPeriod(0, 0)).isZero();
		assertThat(HeartBeats.checkPeriod(4000, 0)).isEqualTo(2000);
		assertThat(HeartBeats.checkPeriod(4000, 1000)).isEqualTo(500);
		assertThat(HeartBeats.checkPeriod(1, 0)).isEqualTo(10);
		assertThat(HeartBeats.deadline(1000)).isEqualTo(2000);
		assertThat(HeartBeats.deadline(Long.MAX_VALUE / 2 + 1)).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void outboundRefusesBeyondItsBoundButAdmitsOneBigFrameWhenEmpty() {
		Outbound outbound = new Outbound(100);
		assertThat(outbound.offer(frame(60))).isTrue();
		assertThat(outbound.offer(frame(40))).isTrue();
		assertThat(outbound.offer(frame(1))).isFalse();
		assertThat(outbound.queuedBytes()).isEqualTo(100);
		assertThat(outbound.poll().length()).isEqualTo(60);
		assertThat(outbound.poll().length()).isEqualTo(40);
		assertThat(outbound.poll()).isNull();
		assertThat(outbound.isEmpty()).isTrue();
		assertThat(outbound.offer(frame(500))).isTrue();
		assertThat(outbound.offer(frame(1))).isFalse();
	}

	@Test
	void outboundIsBehindFromASmallMarkAndCallsBackOnceItHasCaughtUp() {
		Outbound outbound = new Outbound(4 * Outbound.BEHIND_BYTES);
		List<String> calls = new ArrayList<>();
		outbound.onRoomForQueues(() -> calls.add("room"));
		int size = (int) Outbound.BEHIND_BYTES / 4;
		long longAgo = System.nanoTime() - 2 * Outbound.BEHIND_NANOS;
		for (int i = 0; i < 3; i++) {
			outbound.offer(new OutboundFrame(OutboundFrame.EMPTY, new byte[size], false, longAgo));
		}
		assertThat(outbound.isBehind()).isFalse();
		outbound.offer(new OutboundFrame(OutboundFrame.EMPTY, new byte[size], false, longAgo));
		assertThat(outbound.isBehind()).as("at the mark, far from half the buffer, long waiting").isTrue();
		assertThat(outbound.hasRoomForQueues()).isTrue();
		outbound.poll();
		assertThat(calls).as("below the mark again: the callback lets what waits go").containsExactly("room");
		outbound.poll();
		assertThat(calls).as("once per time it was asked").hasSize(1);
		Outbound burst = new Outbound(4 * Outbound.BEHIND_BYTES);
		for (int i = 0; i < 4; i++) {
			burst.offer(new OutboundFrame(OutboundFrame.EMPTY, new byte[size], false, System.nanoTime()));
		}
		assertThat(burst.isBehind()).as("as much queued, but just published: a burst, not a slow reader").isFalse();
		burst.offer(frame(4 * size));
		assertThat(burst.isBehind()).as("half the buffer full, however young").isTrue();
		assertThat(new Outbound(1000).isBehind()).isFalse();
		Outbound small = new Outbound(1000);
		small.offer(frame(500));
		assertThat(small.isBehind()).as("half of a buffer smaller than the mark").isTrue();
	}

	@Test
	void sealedOutboundHandsOutTheLastFrameLastWhateverItsSizeAndThenNothing() {
		Outbound outbound = new Outbound(10);
		outbound.offer(frame(10));
		OutboundFrame last = frame(50);
		outbound.seal(last, false);
		assertThat(outbound.offer(frame(1))).as("refused once sealed").isFalse();
		assertThat(outbound.isEmpty()).isFalse();
		assertThat(outbound.poll().length()).isEqualTo(10);
		assertThat(outbound.isCloseWhenDrained()).isFalse();
		assertThat(outbound.poll()).isSameAs(last);
		assertThat(outbound.isCloseWhenDrained()).isTrue();
		assertThat(outbound.poll()).isNull();
		assertThat(outbound.isEmpty()).isTrue();
	}

	@Test
	void sealingASlowConsumersOutboundDropsWhatWasQueued() {
		Outbound outbound = new Outbound(10);
		outbound.offer(frame(10));
		outbound.seal(frame(50), true);
		assertThat(outbound.queuedBytes()).isZero();
		assertThat(outbound.poll().length()).isEqualTo(50);
		assertThat(outbound.poll()).isNull();
		assertThat(outbound.isCloseWhenDrained()).isTrue();
	}

	@Test
	void clientAskingForFasterHeartBeatsGetsThemDownToTheFloor() {
		assertThat(HeartBeats.offer(10_000, 1_000, 0)).as("asks nothing").isEqualTo(10_000);
		assertThat(HeartBeats.offer(10_000, 1_000, 30_000)).as("asks slower").isEqualTo(10_000);
		assertThat(HeartBeats.offer(10_000, 1_000, 2_000)).isEqualTo(2_000);
		assertThat(HeartBeats.offer(10_000, 1_000, 100)).as("floor").isEqualTo(1_000);
		assertThat(HeartBeats.offer(200, 1_000, 100)).as("configured below the floor").isEqualTo(200);
		assertThat(HeartBeats.offer(0, 1_000, 100)).as("never").isZero();
	}

	@Test
	void outboundFrameJoinsHeadAndTail() {
		OutboundFrame frame = new OutboundFrame(new byte[] { 1, 2 }, new byte[] { 3 }, false);
		assertThat(frame.toByteArray()).containsExactly(1, 2, 3);
		assertThat(frame.length()).isEqualTo(3);
	}

	@Test
	void transactionsHoldFramesUntilCommitOrAbort() throws StompViolation {
		Transactions transactions = new Transactions(2);
		transactions.begin("t");
		Frame send = Frame.builder(Command.SEND).header("destination", "/topic/a").build();
		transactions.add("t", send);
		assertThat(transactions.commit("t")).containsExactly(send);
		assertThatExceptionOfType(StompViolation.class).isThrownBy(() -> transactions.commit("t"))
			.withMessage("unknown transaction 't'");
		transactions.begin("t");
		transactions.abort("t");
		assertThatExceptionOfType(StompViolation.class).isThrownBy(() -> transactions.add("t", send));
		transactions.begin("u");
		transactions.abortAll();
		assertThatExceptionOfType(StompViolation.class).isThrownBy(() -> transactions.abort("u"));
	}

	@Test
	void settingsRejectNonsense() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SessionSettings(FrameLimits.DEFAULT, 0, 1, 0, 0, 1, 1, 1, 1, "x"))
			.withMessage("maxSubscriptions must be positive, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SessionSettings(FrameLimits.DEFAULT, 1, 1, -1, 0, 1, 1, 1, 1, "x"))
			.withMessage("heartBeatSendMillis must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new SessionSettings(null, 1, 1, 0, 0, 1, 1, 1, 1, "x"))
			.withMessageContaining("frameLimits");
	}

	@Test
	void outboundCountsWhatTheTransportTakesAndSamplesOneDeliveryLatencyInSixteen() {
		List<Long> latencies = new ArrayList<>();
		AtomicLong now = new AtomicLong(1_000_000);
		Outbound outbound = new Outbound(10_000, MemoryBudget.UNBOUNDED, now::get, latencies::add);
		assertThat(outbound.offer(frame(7))).isTrue();
		for (int i = 0; i < 2 * Outbound.LATENCY_SAMPLE_EVERY; i++) {
			assertThat(outbound.offer(new OutboundFrame(OutboundFrame.EMPTY, new byte[10], false, 1_000 + i))).isTrue();
		}
		while (outbound.poll() != null) {
			now.addAndGet(1);
		}
		assertThat(outbound.framesOut()).isEqualTo(1 + 2 * Outbound.LATENCY_SAMPLE_EVERY);
		assertThat(outbound.bytesOut()).isEqualTo(7 + 20L * Outbound.LATENCY_SAMPLE_EVERY);
		// the first MESSAGE and the seventeenth, taken at 1,000,001 and 1,000,017
		assertThat(latencies).containsExactly(1_000_001L - 1_000, 1_000_017L - 1_016);
	}

	@Test
	void recentClosesKeepTheNewestFirstInAFixedRing() {
		RecentCloses closes = new RecentCloses(3);
		for (int i = 1; i <= 5; i++) {
			closes.add(new ClosedSession(Instant.EPOCH, "s" + i, null, "127.0.0.1", "tcp", "transport-closed", null));
		}
		assertThat(closes.newest(10)).extracting(ClosedSession::id).containsExactly("s5", "s4", "s3");
		assertThat(closes.newest(2)).extracting(ClosedSession::id).containsExactly("s5", "s4");
	}

	private static OutboundFrame frame(int length) {
		return new OutboundFrame(OutboundFrame.EMPTY, new byte[length], false);
	}

}
