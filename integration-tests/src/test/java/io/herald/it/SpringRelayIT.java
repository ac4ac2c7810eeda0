package io.herald.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.herald.it.relay.RelayApp;
import io.herald.it.security.Tokens;
import io.herald.it.support.HeraldExtension;
import io.herald.it.support.NodeSuite;
import io.herald.session.Broker;
import io.herald.session.SessionInfo;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Herald as the broker of a Spring app: {@link RelayApp} is configured as Spring's guides
 * configure an app relaying to RabbitMQ
 * ({@code enableStompBrokerRelay("/topic", "/queue")} with Herald's STOMP/TCP port), and
 * {@code @stomp/stompjs} browsers on the app's own endpoint chat through it
 * ({@code spring-relay.it.js}): {@code @SendTo}, {@code convertAndSendToUser} and
 * {@code convertAndSend}, next to Herald's own clients and its HTTP publish API. Herald
 * sees the relay's system session, heart-beating, and one session per browser, gone when
 * the browser is.
 */
class SpringRelayIT {

	private static final String APP_PASSWORD = "chat-app-password";

	@RegisterExtension
	static final HeraldExtension herald = HeraldExtension.withArgs("--herald.security.jwt.secret=" + Tokens.SECRET,
			// the app's own identity at Herald: a static user, as for RabbitMQ
			"--herald.security.users[0].name=chat-app",
			"--herald.security.users[0].password=" + new BCryptPasswordEncoder(4).encode(APP_PASSWORD));

	@Test
	void aSpringAppRelayingToHeraldWorksUnchanged() throws Exception {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RelayApp.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--relay.port=" + herald.tcpPort(), "--relay.login=chat-app",
				"--relay.passcode=" + APP_PASSWORD, // not Herald's application.yml, which
													// is on this classpath too
				"--spring.config.name=relay-app", "--spring.main.banner-mode=off")) {
			StompBrokerRelayMessageHandler relay = app.getBean(StompBrokerRelayMessageHandler.class);
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(relay::isBrokerAvailable);
			Broker broker = herald.server().context().getBean(Broker.class);
			SessionInfo system = tcpSessions(broker).get(0);
			assertThat(system.user()).isEqualTo("chat-app");
			assertThat(system.heartBeat()).as("the relay's system session heart-beats with Herald").isNotNull();
			long heardBefore = system.lastReceivedAt().toEpochMilli();

			String port = app.getEnvironment().getRequiredProperty("local.server.port");
			NodeSuite.named("js")
				.requires("@stomp/stompjs")
				.passes(Map.of("APP_WS_URL", "ws://127.0.0.1:" + port + "/chat", "HERALD_WS_URL",
						herald.webSocketUri().toString(), "HERALD_HTTP_URL", "http://127.0.0.1:" + herald.httpPort(),
						"HERALD_JWT_SECRET", Tokens.SECRET), Duration.ofSeconds(60), "spring-relay.it.js");

			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(tcpSessions(broker)).as("the browsers' relay sessions ended with them")
					.extracting(SessionInfo::id)
					.containsExactly(system.id()));
			assertThat(broker.session(system.id()).orElseThrow().lastReceivedAt().toEpochMilli())
				.as("heart-beats kept coming from the relay")
				.isGreaterThan(heardBefore);
		}
	}

	private static List<SessionInfo> tcpSessions(Broker broker) {
		return broker.sessions().stream().filter((session) -> session.transport().equals("tcp")).toList();
	}

}
