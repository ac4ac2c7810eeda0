/**
 * The STOMP wire format: frames, commands, versions, an incremental bounded decoder and
 * an encoder with per-version header escaping (STOMP 1.2 "Value Encoding", "Augmented
 * BNF"). Depends on nothing else in Herald and knows nothing of sockets.
 */
package io.herald.protocol;
