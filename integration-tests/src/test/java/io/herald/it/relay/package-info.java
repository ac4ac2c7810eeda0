/**
 * A Spring Boot chat app of the kind Spring's guides teach ({@code @MessageMapping}
 * controllers, {@code SimpMessagingTemplate}), with Herald as its broker through
 * {@code enableStompBrokerRelay}: what {@code SpringRelayIT} runs.
 */
package io.herald.it.relay;
