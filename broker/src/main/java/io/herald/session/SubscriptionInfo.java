package io.herald.session;

/**
 * A read-only snapshot of one subscription, for operators.
 *
 * @param id the client's subscription id
 * @param destination as the client subscribed, such as {@code /topic/prices.*}
 * @param ack the ack mode: {@code auto}, {@code client} or {@code client-individual}
 * @param unacked messages delivered and awaiting an ACK or NACK
 */
public record SubscriptionInfo(String id, String destination, String ack, int unacked) {
}
