package io.herald.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.herald.protocol.StompTestSupport.bytes;
import static io.herald.protocol.StompTestSupport.concat;
import static io.herald.protocol.StompTestSupport.decode;
import static io.herald.protocol.StompTestSupport.failure;
import static io.herald.protocol.StompTestSupport.retainedBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a decoder holds for the frame in progress: memory follows the bytes that arrive,
 * never a declared {@code content-length}, and {@link FrameDecoder#bufferedBytes()}
 * reports it so a session can account it against a budget.
 */
class FrameDecoderMemoryTest {

	private static final int DECLARED = 1_900_000;

	private static final byte[] HEAD = bytes("SEND\ndestination:/topic/a\ncontent-length:" + DECLARED + "\n\n");

	private final FrameDecoder decoder = new FrameDecoder(FrameLimits.DEFAULT);

	@Test
	void freshDecoderHoldsNothing() {
		assertThat(this.decoder.bufferedBytes()).isZero();
	}

	@Test
	void declaredBodyWithTenBytesReceivedHoldsAboutTenBytes() throws Exception {
		decode(this.decoder, HEAD, filled(10));

		assertThat(this.decoder.bufferedBytes()).isEqualTo(HEAD.length + 10);
		assertThat(retainedBytes(this.decoder)).as("every byte[] the decoder holds").isLessThan(1024);
	}

	@Test
	void declaredBodyWithOnlyItsHeadersReceivedHoldsOnlyTheHeaders() throws Exception {
		decode(this.decoder, HEAD);

		assertThat(this.decoder.bufferedBytes()).isEqualTo(HEAD.length);
		assertThat(retainedBytes(this.decoder)).isLessThan(1024);
	}

	@Test
	void bufferedBytesRiseAsHeaderBytesArrive() throws Exception {
		long previous = this.decoder.bufferedBytes();
		for (byte b : HEAD) {
			decode(this.decoder, new byte[] { b });
			assertThat(this.decoder.bufferedBytes()).isGreaterThan(previous);
			previous = this.decoder.bufferedBytes();
		}
		assertThat(previous).isEqualTo(HEAD.length);
	}

	@Test
	void bufferedBytesRiseAsBodyBytesArrive() throws Exception {
		decode(this.decoder, HEAD);
		long previous = this.decoder.bufferedBytes();
		for (int received = 0; received < 100_000;) {
			decode(this.decoder, filled(1000));
			received += 1000;
			long held = this.decoder.bufferedBytes();
			assertThat(held).as("after %d body bytes", received)
				.isGreaterThanOrEqualTo(previous)
				.isGreaterThanOrEqualTo(HEAD.length + received);
			previous = held;
		}
	}

	@Test
	void bodyCapacityStaysWithinTwiceWhatArrivedWhateverTheChunking() throws Exception {
		decode(this.decoder, HEAD);
		int received = 0;
		int grown = 0;
		long capacity = 0;
		// chunks of 1, 2, 3 ... bytes, then large ones, up to the whole declared body
		for (int chunk = 1; received < DECLARED; chunk = (chunk < 4096) ? chunk + 1 : chunk * 2) {
			int n = Math.min(chunk, DECLARED - received);
			decode(this.decoder, filled(n));
			received += n;
			long body = this.decoder.bufferedBytes() - HEAD.length;
			assertThat(body).as("body capacity after %d bytes", received)
				.isGreaterThanOrEqualTo(received)
				.isLessThanOrEqualTo(2L * received);
			if (body != capacity) {
				grown++;
				capacity = body;
			}
		}
		// doubling reaches 1.9 MB in a few dozen copies, not one per chunk
		assertThat(grown).as("times the body buffer grew").isLessThanOrEqualTo(32);
		List<Frame> frames = decode(this.decoder, new byte[] { 0 });
		assertThat(frames).singleElement().satisfies((frame) -> assertThat(frame.body()).hasSize(DECLARED));
	}

	@Test
	void bodyGrowthCopiesEachByteABoundedNumberOfTimes() throws Exception {
		decode(this.decoder, HEAD);
		long copied = 0;
		long capacity = 0;
		int fed = 300_000;
		for (int received = 0; received < fed; received++) {
			decode(this.decoder, new byte[] { 'x' });
			long body = this.decoder.bufferedBytes() - HEAD.length;
			if (body != capacity) {
				// growing copies what the old buffer held
				copied += capacity;
				capacity = body;
			}
		}
		assertThat(copied).as("bytes copied while growing byte by byte").isLessThanOrEqualTo(2L * fed);
	}

	@Test
	void bufferedBytesReturnToZeroAfterAFrameCompletes() throws Exception {
		byte[] body = filled(DECLARED);
		List<Frame> frames = decode(this.decoder, HEAD, body, new byte[] { 0 });

		assertThat(frames).hasSize(1);
		assertThat(this.decoder.bufferedBytes()).isZero();
		assertThat(retainedBytes(this.decoder)).isLessThan(1024);
	}

	@Test
	void bufferedBytesReturnToZeroAfterAFrameWithoutContentLengthCompletes() throws Exception {
		decode(this.decoder, bytes("SEND\ndestination:/topic/a\n\n"), filled(10_000));
		assertThat(this.decoder.bufferedBytes()).isGreaterThanOrEqualTo(10_000);

		assertThat(decode(this.decoder, new byte[] { 0 })).hasSize(1);

		assertThat(this.decoder.bufferedBytes()).isZero();
	}

	@Test
	void longHeaderLineIsCountedWhileReadAndReleasedAfter() throws Exception {
		byte[] head = bytes("SEND\nbig:" + "v".repeat(4000) + "\n");
		decode(this.decoder, head);
		assertThat(this.decoder.bufferedBytes()).isGreaterThanOrEqualTo(head.length);

		decode(this.decoder, bytes("\nbody\0"));

		assertThat(this.decoder.bufferedBytes()).isZero();
		assertThat(retainedBytes(this.decoder)).isLessThan(1024);
	}

	@Test
	void bufferedBytesReturnToZeroAfterTheDecoderFails() throws Exception {
		decode(this.decoder, HEAD, filled(500_000));
		assertThat(this.decoder.bufferedBytes()).isGreaterThan(500_000);

		failure(this.decoder, concat(filled(DECLARED - 500_000), bytes("x")));

		assertThat(this.decoder.bufferedBytes()).isZero();
		assertThat(retainedBytes(this.decoder)).isLessThan(1024);
	}

	@Test
	void declaredLengthOverTheFrameLimitFailsBeforeTheBodyAndHoldsNothing() {
		FrameDecoder small = new FrameDecoder(new FrameLimits(64 * 1024, 1024, 16));

		FrameDecodingException ex = failure(small, bytes("SEND\ncontent-length:" + (64 * 1024) + "\n"));

		assertThat(ex.reason()).isEqualTo(FrameDecodingException.Reason.FRAME_TOO_LARGE);
		assertThat(small.bufferedBytes()).isZero();
	}

	@Test
	void bodyWithoutContentLengthNeverHoldsMoreThanTheFrameLimitLeaves() throws Exception {
		FrameLimits limits = new FrameLimits(64 * 1024, 1024, 16);
		FrameDecoder small = new FrameDecoder(limits);
		byte[] head = bytes("SEND\ndestination:/topic/a\n\n");
		decode(small, head, filled(limits.maxFrameBytes() - head.length));

		assertThat(small.bufferedBytes()).isEqualTo(limits.maxFrameBytes());
		assertThat(failure(small, bytes("x")).reason()).isEqualTo(FrameDecodingException.Reason.FRAME_TOO_LARGE);
		assertThat(small.bufferedBytes()).isZero();
	}

	@Test
	void heartBeatsBetweenFramesHoldNothing() throws Exception {
		decode(this.decoder, bytes("\n\n\r\n\n"));

		assertThat(this.decoder.bufferedBytes()).isZero();
	}

	@Test
	void manyDeclaredButUnsentBodiesHoldOnlyTheirHeaders() {
		List<FrameDecoder> decoders = new ArrayList<>();
		long held = 0;
		for (int i = 0; i < 1000; i++) {
			FrameDecoder each = new FrameDecoder(FrameLimits.DEFAULT);
			try {
				each.decode(ByteBuffer.wrap(HEAD), (frame) -> {
				});
			}
			catch (FrameDecodingException ex) {
				throw new AssertionError(ex);
			}
			decoders.add(each);
			held += retainedBytes(each);
		}
		// 1000 x 1.9 MB declared; the old decoder allocated all of it here
		assertThat(held).isLessThan(1000L * 1024);
		assertThat(decoders).allSatisfy((each) -> assertThat(each.bufferedBytes()).isEqualTo(HEAD.length));
	}

	private static byte[] filled(int length) {
		byte[] bytes = new byte[length];
		Arrays.fill(bytes, (byte) 'x');
		return bytes;
	}

}
