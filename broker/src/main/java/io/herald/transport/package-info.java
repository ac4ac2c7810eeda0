/**
 * The transports: each owns its sockets and speaks to the session core through
 * {@link io.herald.session.TransportConnection}. This package holds only what the Netty
 * transports share ({@link io.herald.transport.ChannelConnection}); the transports live
 * in its subpackages and never depend on each other.
 */
package io.herald.transport;
