/**
 * One client connection's STOMP life: the CONNECT handshake and version negotiation,
 * heart-beats, subscriptions and acknowledgements, transactions, receipts, limits, and
 * the bounded outbound buffer with its slow-consumer policy. Transports feed bytes in and
 * drain frames out through {@link io.herald.session.TransportConnection}. Plain Java.
 */
package io.herald.session;
