/**
 * STOMP over WebSocket ({@code /ws}) and SockJS ({@code /sockjs}) on the servlet
 * container, through a plain spring-websocket {@code WebSocketHandler}: it unwraps
 * WebSocket messages into the session's byte decoder and writes the session's outbound
 * frames without ever blocking a publisher's thread.
 */
package io.herald.transport.websocket;
