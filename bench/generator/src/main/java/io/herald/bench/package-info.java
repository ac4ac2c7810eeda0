/**
 * The load generator: STOMP over WebSocket clients, scenarios, results.
 */
package io.herald.bench;
