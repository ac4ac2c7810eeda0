/**
 * The one raw STOMP client of Herald's tests:
 * {@link io.herald.testclient.StompConnection} over TCP, WebSocket
 * ({@code java.net.http}) and SockJS (Spring's {@code SockJsClient}), frames built and
 * read as {@link io.herald.testclient.StompFrame}s. Server frames are parsed by this
 * package's own parser, which shares nothing with the broker's codec, so a codec bug
 * shows up as a failing test instead of being read back the way it was written. Depends
 * on no Herald module.
 */
package io.herald.testclient;
