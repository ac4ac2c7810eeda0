package io.herald.session;

/**
 * Bounds against floods, frozen when the broker starts. A value of 0 turns a bound off.
 *
 * @param maxConnections most open sessions on this node
 * @param maxConnectionsPerAddress most open sessions from one remote address
 * @param inboundFramesPerSecond sustained frames per second one session may send (a token
 * bucket holding one second's worth)
 * @param inboundBytesPerSecond sustained bytes per second one session may send
 * @param maxLoginDelayMillis the longest a failed CONNECT from a repeatedly failing
 * address waits for its ERROR
 */
public record AbuseLimits(int maxConnections, int maxConnectionsPerAddress, int inboundFramesPerSecond,
		long inboundBytesPerSecond, long maxLoginDelayMillis) {

	public static final AbuseLimits DEFAULT = new AbuseLimits(100_000, 1_000, 10_000, 16L * 1024 * 1024, 5_000);

	public AbuseLimits {
		if (maxConnections < 0 || maxConnectionsPerAddress < 0 || inboundFramesPerSecond < 0
				|| inboundBytesPerSecond < 0 || maxLoginDelayMillis < 0) {
			throw new IllegalArgumentException(
					"abuse limits must not be negative: " + maxConnections + ", " + maxConnectionsPerAddress + ", "
							+ inboundFramesPerSecond + ", " + inboundBytesPerSecond + ", " + maxLoginDelayMillis);
		}
	}

}
