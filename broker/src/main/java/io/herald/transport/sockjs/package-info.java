/**
 * STOMP over SockJS ({@code /sockjs}) through spring-websocket's SockJS service on the
 * servlet container, which the public HTTP port relays to: the legacy fallback for
 * clients behind proxies, kept off the hot path. Text only; writes run on a shared writer
 * executor, never on a publisher's thread.
 */
package io.herald.transport.sockjs;
