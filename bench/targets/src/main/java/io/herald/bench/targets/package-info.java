/**
 * Peer brokers started by the bench: ActiveMQ Artemis embedded and a bare Netty fan-out
 * ceiling.
 */
package io.herald.bench.targets;
