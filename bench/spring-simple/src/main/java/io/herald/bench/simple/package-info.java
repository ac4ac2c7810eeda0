/**
 * What a Spring user writes first: {@code @EnableWebSocketMessageBroker} with the simple
 * broker.
 */
package io.herald.bench.simple;
