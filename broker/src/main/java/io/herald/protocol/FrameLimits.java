package io.herald.protocol;

/**
 * Bounds the decoder enforces on every inbound frame, checked before any byte past them
 * is buffered.
 *
 * @param maxFrameBytes largest frame, command line, headers and body together, in bytes
 * @param maxHeaderLineBytes longest command or header line, in bytes
 * @param maxHeaderCount most header entries in one frame, repeats included
 */
public record FrameLimits(int maxFrameBytes, int maxHeaderLineBytes, int maxHeaderCount) {

	/** 2 MiB frames, 8 KiB lines, 64 headers: admits 1 MiB bodies with room to spare. */
	public static final FrameLimits DEFAULT = new FrameLimits(2 * 1024 * 1024, 8 * 1024, 64);

	public FrameLimits {
		requirePositive(maxFrameBytes, "maxFrameBytes");
		requirePositive(maxHeaderLineBytes, "maxHeaderLineBytes");
		requirePositive(maxHeaderCount, "maxHeaderCount");
	}

	private static void requirePositive(int value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
	}

}
