/**
 * The cluster backplane: how the nodes of a cluster share their topics through RabbitMQ
 * ({@code herald.cluster.mode=rabbitmq}). It hears of this node's local interest from the
 * router ({@link io.herald.routing.InterestListener}) and of its clients' topic messages
 * ({@link io.herald.routing.Upstream}), and routes what other nodes published to this
 * node's subscribers ({@link io.herald.routing.Router#publishFromUpstream}). Plain Java
 * and the RabbitMQ client; no Spring.
 */
package io.herald.cluster;
