/**
 * Where messages go: the topic subscription trie with its match cache, point-to-point
 * queues with competing consumers, and per-user destinations. Sees messages and
 * subscribers, never bytes on the wire or transports; plain Java.
 */
package io.herald.routing;
