/**
 * The public HTTP port on Netty ({@link io.herald.transport.websocket.WebSocketEdge}):
 * STOMP over WebSocket ({@code /ws}) served on each connection's event loop, writing
 * pre-encoded frames as composite buffers, with back-pressure from the channel's
 * writability into the session's bounded outbound buffer; every other request relayed to
 * the servlet container on loopback.
 */
package io.herald.transport.websocket;
