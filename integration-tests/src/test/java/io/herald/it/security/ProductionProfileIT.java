package io.herald.it.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import javax.net.ssl.SSLSocket;

import io.herald.it.DashboardIT;
import io.herald.it.support.HeraldExtension;
import io.herald.it.support.NodeSuite;
import io.herald.it.support.ProjectFiles;
import io.herald.testclient.StompFrame;
import io.herald.testclient.TcpStompConnection;
import io.herald.testclient.WebSocketStompConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config/production.yml} as shipped, with only its secrets and ports supplied: a
 * browser with a JWT reads prices and chats over WSS, the feed publishes over STOMP/TLS,
 * anonymous clients and forged prices are refused.
 */
class ProductionProfileIT {

	private static final String JWT_SECRET = "production-profile-secret-0123456789";

	private static final String FEED_PASSWORD = "feed-password";

	@TempDir
	static Path directory;

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.deferred();

	private static TestCertificate certificate;

	@BeforeAll
	static void startBroker() throws Exception {
		certificate = TestCertificate.generate(directory);
		Path profile = ProjectFiles.path("config/production.yml");
		BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
		broker.start("--spring.config.additional-location=file:" + profile,
				"--HERALD_KEYSTORE=" + certificate.keystore(), "--HERALD_KEYSTORE_PASSWORD=" + TestCertificate.PASSWORD,
				"--HERALD_JWT_SECRET=" + JWT_SECRET, "--HERALD_FEED_PASSWORD_HASH=" + bcrypt.encode(FEED_PASSWORD),
				"--HERALD_OPS_PASSWORD_HASH=" + bcrypt.encode("ops-password"));
	}

	@Test
	void browsersReadPricesOnlyTheFeedWritesThemAndAnonymousIsOut() throws Exception {
		String token = Tokens.sign(Tokens.claims("alice", Instant.now().plusSeconds(600))
			.issuer("https://id.example.com")
			.audience("herald")
			.build(), JWT_SECRET);
		URI wss = URI.create("wss://127.0.0.1:" + broker.httpPort() + "/ws?access_token=" + token);
		SSLSocket feedSocket = (SSLSocket) certificate.clientTls()
			.getSocketFactory()
			.createSocket("127.0.0.1", broker.tcpPort());
		SSLSocket anonymousSocket = (SSLSocket) certificate.clientTls()
			.getSocketFactory()
			.createSocket("127.0.0.1", broker.tcpPort());
		try (WebSocketStompConnection browser = WebSocketStompConnection.to(wss)
			.header("Origin", "https://app.example.com")
			.tls(certificate.clientTls())
			.open();
				TcpStompConnection feed = TcpStompConnection.over(feedSocket);
				TcpStompConnection anonymous = TcpStompConnection.over(anonymousSocket)) {
			assertThat(browser.attemptConnect().header("user-name")).isEqualTo("alice");
			browser.send(StompFrame.create("SUBSCRIBE")
				.header("id", "0")
				.header("destination", "/topic/prices.*")
				.header("receipt", "sub"));
			assertThat(browser.receive().command()).isEqualTo("RECEIPT");

			assertThat(feed.attemptConnect("login", "price-feed", "passcode", FEED_PASSWORD).command())
				.isEqualTo("CONNECTED");
			feed.send(StompFrame.create("SEND").header("destination", "/topic/prices.ACME").body("{\"bid\":42}"));
			StompFrame price = browser.receive();
			assertThat(price.bodyText()).isEqualTo("{\"bid\":42}");
			assertThat(price.header("x-herald-user")).isEqualTo("price-feed");

			StompFrame refused = anonymous.attemptConnect();
			assertThat(refused.command()).isEqualTo("ERROR");
			assertThat(refused.header("message")).isEqualTo("authentication failed");

			browser.send(StompFrame.create("SEND").header("destination", "/topic/prices.ACME").body("{\"bid\":0}"));
			StompFrame denied = browser.receive();
			assertThat(denied.command()).isEqualTo("ERROR");
			assertThat(denied.header("message")).contains("/topic/prices.ACME");
		}
	}

	@Test
	void theDashboardNeedsTheOpsLoginAndWorksWithIt() throws Exception {
		HttpClient https = HttpClient.newBuilder().sslContext(certificate.clientTls()).build();
		URI dashboard = URI.create("https://127.0.0.1:" + broker.httpPort() + "/admin/");
		HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(dashboard).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).as("even from loopback").isEqualTo(401);
		String ops = Base64.getEncoder().encodeToString("ops:ops-password".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> loggedIn = https.send(
				HttpRequest.newBuilder(dashboard).header("Authorization", "Basic " + ops).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(loggedIn.statusCode()).isEqualTo(200);
		assertThat(loggedIn.body()).contains("<title>Herald · admin</title>");

		String token = Tokens.sign(Tokens.claims("alice", Instant.now().plusSeconds(600))
			.issuer("https://id.example.com")
			.audience("herald")
			.build(), JWT_SECRET);
		String wss = "wss://127.0.0.1:" + broker.httpPort() + "/ws";
		NodeSuite.named("browser")
			.requires("playwright-core")
			.passes(Map.ofEntries(Map.entry("HERALD_HTTP_URL", "https://127.0.0.1:" + broker.httpPort()),
					Map.entry("HERALD_WS_URL", wss + "?access_token=" + token),
					Map.entry("HERALD_ORIGIN", "https://app.example.com"), Map.entry("HERALD_TOPIC", "/topic/prices"),
					Map.entry("HERALD_FEED_WS_URL", wss), Map.entry("HERALD_FEED_LOGIN", "price-feed"),
					Map.entry("HERALD_FEED_PASSCODE", FEED_PASSWORD), Map.entry("HERALD_ADMIN_USER", "ops"),
					Map.entry("HERALD_ADMIN_PASSWORD", "ops-password"),
					Map.entry("SCREENSHOT_DIR", DashboardIT.screenshots().toString()),
					Map.entry("SCREENSHOT_NAME", "dashboard-production")), DashboardIT.BROWSER_TIMEOUT,
					"dashboard.test.js");
	}

}
