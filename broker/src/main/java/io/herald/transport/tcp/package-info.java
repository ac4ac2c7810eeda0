/**
 * Raw STOMP over TCP on reactor-netty: bytes from the socket go to the session's decoder;
 * outbound frames are written on the channel's event loop in batches, only while the
 * channel is writable, so Netty's own buffer stays within its watermarks.
 */
package io.herald.transport.tcp;
