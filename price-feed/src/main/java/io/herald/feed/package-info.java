/**
 * The demo's price feed: a simulated market published to Herald over STOMP/TCP.
 */
package io.herald.feed;
