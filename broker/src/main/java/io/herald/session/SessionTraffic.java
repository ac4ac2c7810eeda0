package io.herald.session;

/**
 * What one session, or a node's sessions together, moved: frames and bytes in from the
 * client and out to it (as handed to the socket).
 *
 * @param framesIn frames received
 * @param bytesIn bytes received
 * @param framesOut frames handed to the socket, heart-beats included
 * @param bytesOut bytes handed to the socket
 */
public record SessionTraffic(long framesIn, long bytesIn, long framesOut, long bytesOut) {
}
