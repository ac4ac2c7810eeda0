package io.herald.it.relay;

import java.security.Principal;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The app: browsers connect to its own {@code /chat} endpoint; {@code /app/…} goes to its
 * controllers, {@code /topic/…} and {@code /queue/…} to Herald through Spring's STOMP
 * broker relay, one relay session per browser and one system session, exactly as an app
 * relaying to RabbitMQ is configured. A browser names its user with {@code ?user=NAME} (a
 * stand-in for the app's own login).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableWebSocketMessageBroker
@Import(ChatController.class)
public class RelayApp implements WebSocketMessageBrokerConfigurer {

	@Value("${relay.port}")
	private int relayPort;

	@Value("${relay.login}")
	private String login;

	@Value("${relay.passcode}")
	private String passcode;

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		registry.addEndpoint("/chat").setAllowedOriginPatterns("*").setHandshakeHandler(new DefaultHandshakeHandler() {
			@Override
			protected Principal determineUser(ServerHttpRequest request, WebSocketHandler handler,
					Map<String, Object> attributes) {
				String user = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("user");
				return (user != null) ? () -> user : null;
			}
		});
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		registry.setApplicationDestinationPrefixes("/app");
		registry.enableStompBrokerRelay("/topic", "/queue")
			.setRelayHost("127.0.0.1")
			.setRelayPort(this.relayPort)
			// the app's identity at Herald, for its system session and every browser's
			// (the app authenticates its users itself, as it would with RabbitMQ)
			.setSystemLogin(this.login)
			.setSystemPasscode(this.passcode)
			.setClientLogin(this.login)
			.setClientPasscode(this.passcode)
			// fast, so that the IT sees the relay's heart-beats with Herald both ways
			.setSystemHeartbeatSendInterval(1000)
			.setSystemHeartbeatReceiveInterval(1000);
	}

	/** The app's own pages and endpoint are open; Herald does its own security. */
	@Bean
	SecurityFilterChain openApp(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).csrf((csrf) -> csrf.disable());
		return http.build();
	}

}
