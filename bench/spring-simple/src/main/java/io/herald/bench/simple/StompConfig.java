package io.herald.bench.simple;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * The reference-documentation configuration, unchanged on purpose: every default (channel
 * thread pools, 512 KiB send buffer, 10 s send time limit, 64 KiB message size) is what
 * the bench measures. With {@code --relay-port=N} it is the other configuration the
 * guides teach: {@code enableStompBrokerRelay} to RabbitMQ's STOMP plugin on that port
 * (the spring-relay target), one RabbitMQ connection per browser.
 */
@Configuration
@EnableWebSocketMessageBroker
public class StompConfig implements WebSocketMessageBrokerConfigurer {

	@Value("${relay-port:0}")
	private int relayPort;

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		registry.addEndpoint("/ws").setAllowedOriginPatterns("*");
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		// Clients SEND to /topic/... directly: the simple broker handles any message
		// whose
		// destination matches its prefix, no @MessageMapping needed.
		if (this.relayPort > 0) {
			registry.enableStompBrokerRelay("/topic", "/queue").setRelayHost("127.0.0.1").setRelayPort(this.relayPort);
		}
		else {
			registry.enableSimpleBroker("/topic");
		}
		registry.setApplicationDestinationPrefixes("/app");
	}

}
