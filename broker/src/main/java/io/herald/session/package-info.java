/**
 * One client connection's STOMP life: the CONNECT handshake and version negotiation,
 * heart-beats, token expiry, subscriptions and acknowledgements, transactions, receipts,
 * limits, and the bounded outbound buffer with its slow-consumer policy; and the
 * {@link io.herald.session.Broker} that opens sessions and shows them to operators.
 * Transports feed bytes in and drain frames out through
 * {@link io.herald.session.TransportConnection}. Plain Java.
 *
 * <h2>Ownership</h2> Each session has one owner at a time, its
 * {@link io.herald.session.Mailbox}: the state machine, the decoder, the subscription
 * registry, transactions and timers are changed only by whoever holds it. The transport's
 * thread holds it while it feeds bytes; timers, the buffer's room callback and closes
 * found on other threads post commands to it. Shared with other threads, each by its own
 * rule: the outbound buffer (lock-free, sealed atomically by the close), the read and
 * write times (volatile), a subscription's unacknowledged set (its monitor, taken by
 * deliveries on publishers' threads and by acknowledgements on the owner), and the close
 * reason (first compare-and-set wins).
 *
 * <h2>Lock order</h2> A queue's monitor, then a subscription's monitor. A subscription
 * never calls into a queue while holding its own; the session holds no lock at all, so a
 * publisher that finds a slow consumer (possibly inside a queue's monitor) only seals the
 * buffer and posts the release, which then runs on the owner and takes routing locks
 * afresh.
 *
 * <h2>Ending</h2> Every session ends through {@link io.herald.session.Session#close} with
 * a {@link io.herald.session.CloseReason}: counted per reason, mapped to a WebSocket
 * close code, and the final ERROR is the last frame the client gets.
 */
package io.herald.session;
