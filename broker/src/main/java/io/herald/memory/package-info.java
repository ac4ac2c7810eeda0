/**
 * The node-wide memory budget: bytes the broker holds on clients' behalf (outbound
 * buffers, partly received frames, open transactions, queued messages) counted against
 * one bound, with an alarm that engages above it and releases by itself below a low
 * watermark, as RabbitMQ's memory alarm does. Plain Java; depends on nothing else in
 * Herald, so every layer that holds bytes can count them here.
 */
package io.herald.memory;
