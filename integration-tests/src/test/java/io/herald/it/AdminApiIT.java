package io.herald.it;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.ProjectFiles;
import io.herald.testclient.StompConnection;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin API as an operator meets it on the embedded default: from the machine itself
 * it answers without a login, from any other address it needs the admin role; with
 * {@code herald.security.admin-from-loopback=false} (the production profile) even
 * loopback needs it.
 */
class AdminApiIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void overviewAnswersFromLoopbackWithoutALoginAndCountsTheConnections() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("overview");
		try (StompConnection web = Transport.WEBSOCKET.connect(server);
				StompConnection tcp = Transport.TCP.connect(server)) {
			web.subscribe(topic, "s");
			tcp.publish(topic, "counted");
			web.receiveMessages(1, StompConnection.WAIT);
			HttpResponse<String> response = get("127.0.0.1", "/api/v1/admin/overview");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("content-type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
			JsonNode overview = JSON.readTree(response.body());
			assertThat(overview.get("connections").get("websocket").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(overview.get("connections").get("tcp").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(overview.get("sessions").asInt()).isGreaterThanOrEqualTo(2);
			assertThat(overview.get("messagesPublished").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(overview.get("messagesDelivered").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(overview.get("rates").get("publishedPerSecondOverAMinute").isNumber()).isTrue();
			assertThat(overview.get("topicSubscriptions").asInt()).isGreaterThanOrEqualTo(1);
			assertThat(overview.get("nodeId").asString()).isNotBlank();
			assertThat(overview.get("memory").get("maxBytes").asLong()).isPositive();
			assertThat(overview.get("sessionsClosed").has("slow-consumer")).isTrue();
			assertThat(overview.get("traffic").get("bytesIn").asLong()).isPositive();
			assertThat(overview.get("traffic").get("bytesOut").asLong()).isPositive();
			assertThat(overview.get("framesIn").get("SEND").asLong()).isGreaterThanOrEqualTo(1);
			assertThat(overview.get("eventLoopBacklog").isArray()).isTrue();
			assertThat(overview.get("eventLoopBacklog")).isNotEmpty();
			assertThat(overview.get("topics").get("retained").isNumber()).isTrue();
		}
		HttpResponse<String> prometheus = get("127.0.0.1", "/actuator/prometheus");
		assertThat(prometheus.statusCode()).as("actuator too").isEqualTo(200);
		assertThat(prometheus.body()).contains("herald_frames_in_total{command=\"SEND\"")
			.contains("herald_messages_delivered_total")
			.contains("herald_queues_memory_bytes")
			.contains("herald_bytes_out_bytes_total")
			.contains("herald_delivery_latency_seconds_bucket");
	}

	@Test
	void sessionsArePagedFilteredAndSortedAndAnOperatorCanEndOne() throws Exception {
		try (StompConnection web = Transport.WEBSOCKET.connect(server);
				StompConnection tcp = Transport.TCP.open(server)) {
			String id = tcp.connect().header("session");
			JsonNode tcpOnly = json(get("127.0.0.1", "/api/v1/admin/sessions?transport=tcp&sort=openedAt&order=desc"));
			assertThat(tcpOnly.get("items")).isNotEmpty()
				.allSatisfy((session) -> assertThat(session.get("transport").asString()).isEqualTo("tcp"));
			assertThat(tcpOnly.get("items").get(0).get("id").asString()).as("newest first").isEqualTo(id);
			JsonNode firstPage = json(get("127.0.0.1", "/api/v1/admin/sessions?size=1"));
			assertThat(firstPage.get("items")).hasSize(1);
			assertThat(firstPage.get("total").asLong()).isGreaterThanOrEqualTo(2);
			tcp.subscribe("/queue/" + HeraldServer.unique("detail"), "jobs", "ack", "client-individual");
			JsonNode detail = json(get("127.0.0.1", "/api/v1/admin/sessions/" + id));
			JsonNode one = detail.get("session");
			assertThat(one.get("remoteAddress").asString()).isEqualTo("127.0.0.1");
			assertThat(one.get("version").asString()).isEqualTo("1.2");
			assertThat(one.get("traffic").get("framesIn").asLong()).as("CONNECT and SUBSCRIBE").isEqualTo(2);
			assertThat(one.get("traffic").get("bytesOut").asLong()).as("CONNECTED and RECEIPT").isPositive();
			assertThat(one.get("outboundFill").asDouble()).isBetween(0.0, 1.0);
			assertThat(one.get("lastReceivedAt").asString()).isNotBlank();
			assertThat(one.get("heartBeat").asString()).matches("\\d+,\\d+");
			assertThat(detail.get("subscriptions")).hasSize(1);
			assertThat(detail.get("subscriptions").get(0).get("id").asString()).isEqualTo("jobs");
			assertThat(detail.get("subscriptions").get(0).get("ack").asString()).isEqualTo("client-individual");
			assertThat(detail.get("subscriptions").get(0).get("destination").asString()).startsWith("/queue/detail");
			JsonNode searched = json(get("127.0.0.1", "/api/v1/admin/sessions?q=" + id.substring(id.length() - 6)));
			assertThat(searched.get("items")).extracting((session) -> session.get("id").asString()).contains(id);

			assertThat(send("DELETE", "/api/v1/admin/sessions/" + id + "?reason=maintenance").statusCode())
				.isEqualTo(204);
			assertThat(tcp.expectErrorAndClose().header("message")).contains("maintenance");
			HttpResponse<String> gone = get("127.0.0.1", "/api/v1/admin/sessions/" + id);
			assertThat(gone.statusCode()).isEqualTo(404);
			assertThat(json(gone).get("detail").asString()).isEqualTo("no open session '" + id + "'");
			assertThat(web.isClosed()).as("only the chosen session ended").isFalse();
			JsonNode closes = json(get("127.0.0.1", "/api/v1/admin/closes?reason=admin-disconnect"));
			assertThat(closes).isNotEmpty();
			assertThat(closes.get(0).get("id").asString()).isEqualTo(id);
			assertThat(closes.get(0).get("message").asString()).isEqualTo("disconnected by an operator: maintenance");
		}
	}

	@Test
	void aStateChangingCallWithoutTheCustomHeaderIsRefusedAsPossiblyForged() throws Exception {
		try (StompConnection tcp = Transport.TCP.open(server)) {
			String id = tcp.connect().header("session");
			HttpResponse<String> forged = this.http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/api/v1/admin/sessions/" + id))
				.DELETE()
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(forged.statusCode()).isEqualTo(403);
			assertThat(get("127.0.0.1", "/api/v1/admin/sessions/" + id).statusCode()).as("still open").isEqualTo(200);
		}
	}

	@Test
	void ratesFollowTheTraffic() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("rates");
		try (StompConnection subscriber = Transport.TCP.connect(server);
				StompConnection publisher = Transport.TCP.connect(server)) {
			subscriber.subscribe(topic, "s");
			await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
				for (int i = 0; i < 50; i++) {
					publisher.publish(topic, "tick " + i);
				}
				JsonNode rates = json(get("127.0.0.1", "/api/v1/admin/overview")).get("rates");
				assertThat(rates.get("publishedPerSecondOverAMinute").asDouble()).isPositive();
				assertThat(rates.get("deliveredPerSecondOverAMinute").asDouble()).isPositive();
				JsonNode destination = json(get("127.0.0.1", "/api/v1/admin/destinations" + topic));
				assertThat(destination.get("publishedPerSecond").asDouble()).isPositive();
				assertThat(destination.get("deliveredPerSecond").asDouble()).isPositive();
				JsonNode history = json(get("127.0.0.1", "/api/v1/admin/history"));
				JsonNode latest = history.get(history.size() - 1);
				assertThat(latest.get("deliveredPerSecond").asDouble()).isPositive();
				assertThat(latest.get("latencyP99Millis").isNumber()).as("deliveries sampled").isTrue();
			});
			JsonNode all = json(get("127.0.0.1", "/api/v1/admin/history"));
			String since = all.get(all.size() - 2).get("at").asString();
			JsonNode newer = json(get("127.0.0.1", "/api/v1/admin/history?since=" + since));
			assertThat(newer).as("only the seconds after %s", since).isNotEmpty();
			newer.forEach((second) -> assertThat(second.get("at").asString()).isGreaterThan(since));
		}
	}

	@Test
	void theGrafanaDashboardQueriesOnlyMetricsTheNodeExports() throws Exception {
		// a topic delivery and a close, so that every meter has samples
		String topic = "/topic/" + HeraldServer.unique("grafana");
		try (StompConnection subscriber = Transport.TCP.connect(server);
				StompConnection publisher = Transport.TCP.connect(server)) {
			subscriber.subscribe(topic, "s");
			publisher.publish(topic, "sampled");
			subscriber.receiveMessages(1, StompConnection.WAIT);
		}
		JsonNode dashboard = JSON.readTree(Files.readString(ProjectFiles.path("config/grafana/herald.json")));
		assertThat(dashboard.get("panels")).isNotEmpty();
		List<String> titles = new ArrayList<>();
		Set<String> metrics = new TreeSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			titles.add(panel.get("title").asString());
			assertThat(panel.get("gridPos").get("w").asInt()).isPositive();
			assertThat(panel.get("targets")).as(panel.get("title").asString()).isNotEmpty();
			for (JsonNode target : panel.get("targets")) {
				Matcher names = Pattern.compile("herald_[a-z_]+").matcher(target.get("expr").asString());
				while (names.find()) {
					metrics.add(names.group());
				}
			}
		}
		assertThat(titles).as("the charts of /admin")
			.contains("Connections", "Messages per second", "Delivery latency, publish to socket write",
					"Slow-consumer disconnects per second");
		String scrape = get("127.0.0.1", "/actuator/prometheus").body();
		assertThat(metrics).hasSizeGreaterThan(10)
			.allSatisfy((metric) -> assertThat(scrape).as("exported: %s", metric)
				.containsPattern("(?m)^" + metric + "[{ ]"));
	}

	@Test
	void theApiDescribesItselfInOpenApi() throws Exception {
		HttpResponse<String> response = get("127.0.0.1", "/api/v1/admin/openapi.json");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode description = json(response);
		assertThat(description.get("openapi").asString()).startsWith("3.");
		assertThat(description.get("paths").propertyNames()).contains("/api/v1/admin/overview",
				"/api/v1/admin/sessions", "/api/v1/admin/sessions/{id}", "/api/v1/admin/destinations",
				"/api/v1/admin/closes", "/api/v1/admin/history", "/api/v1/publish", "/api/v1/publish/batch");
		assertThat(description.at("/components/schemas/PublishRequest/properties").propertyNames())
			.contains("destination", "body", "headers", "contentType", "retain", "idempotencyKey");
	}

	@Test
	void badPagingAndSortingAreBadRequestsNamingTheProblem() throws Exception {
		HttpResponse<String> size = get("127.0.0.1", "/api/v1/admin/sessions?size=0");
		assertThat(size.statusCode()).isEqualTo(400);
		assertThat(size.headers().firstValue("content-type")).hasValue("application/problem+json");
		assertThat(json(size).get("detail").asString()).isEqualTo("size must be between 1 and 500, was 0");
		HttpResponse<String> sort = get("127.0.0.1", "/api/v1/admin/destinations?sort=rate");
		assertThat(sort.statusCode()).isEqualTo(400);
		assertThat(json(sort).get("detail").asString()).startsWith("sort must be name, subscribers, depth, published");
		HttpResponse<String> limit = get("127.0.0.1", "/api/v1/admin/closes?limit=0");
		assertThat(limit.statusCode()).isEqualTo(400);
		assertThat(json(limit).get("detail").asString()).isEqualTo("limit must be between 1 and 200, was 0");
		assertThat(json(get("127.0.0.1", "/api/v1/admin/closes?reason=bored")).get("detail").asString())
			.contains("close reason");
		assertThat(get("127.0.0.1", "/api/v1/admin/sessions?page=-1").statusCode()).isEqualTo(400);
	}

	@Test
	void destinationsShowQueueDepthAndAPurgeEmptiesTheQueue() throws Exception {
		String queue = "/queue/" + HeraldServer.unique("admin");
		try (StompConnection publisher = Transport.TCP.connect(server)) {
			for (int i = 0; i < 3; i++) {
				publisher.sendWithReceipt(
						io.herald.testclient.StompFrame.create("SEND").header("destination", queue).body("job " + i));
			}
		}
		JsonNode listed = json(get("127.0.0.1", "/api/v1/admin/destinations?prefix=" + queue));
		assertThat(listed.get("items")).hasSize(1);
		assertThat(listed.get("items").get(0).get("depth").asInt()).isEqualTo(3);
		JsonNode one = json(get("127.0.0.1", "/api/v1/admin/destinations" + queue));
		assertThat(one.get("kind").asString()).isEqualTo("QUEUE");
		assertThat(one.get("depth").asInt()).isEqualTo(3);

		HttpResponse<String> purged = send("DELETE", "/api/v1/admin/destinations" + queue + "/messages");
		assertThat(purged.statusCode()).isEqualTo(200);
		assertThat(json(purged).get("purged").asInt()).isEqualTo(3);
		assertThat(json(get("127.0.0.1", "/api/v1/admin/destinations" + queue)).get("depth").asInt()).isZero();

		assertThat(send("DELETE", "/api/v1/admin/destinations/topic/x/messages").statusCode()).isEqualTo(400);
		assertThat(send("DELETE", "/api/v1/admin/destinations/queue/no-such-queue/messages").statusCode())
			.isEqualTo(404);
		assertThat(get("127.0.0.1", "/api/v1/admin/destinations/queue/no-such-queue").statusCode()).isEqualTo(404);
	}

	@Test
	void fromAnotherAddressTheAdminRoleIsNeeded() throws Exception {
		Optional<InetAddress> other = nonLoopbackAddress();
		assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
		String host = other.get().getHostAddress();
		// bound to that address only, so the client's address is it, not loopback
		try (HeraldServer reachable = HeraldServer.start("--server.address=" + host)) {
			assertThat(get(host, reachable.httpPort(), "/api/v1/admin/overview").statusCode()).isEqualTo(401);
			assertThat(get(host, reachable.httpPort(), "/actuator/prometheus").statusCode()).isEqualTo(401);
			assertThat(get(host, reachable.httpPort(), "/actuator/health").statusCode()).as("health stays open")
				.isEqualTo(200);
		}
	}

	@Test
	void withAdminFromLoopbackOffEvenLoopbackNeedsTheRole() throws Exception {
		try (HeraldServer production = HeraldServer.start("--herald.security.admin-from-loopback=false")) {
			HttpResponse<String> response = this.http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + production.httpPort() + "/api/v1/admin/overview"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(401);
		}
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.header("X-Requested-With", "herald-admin-test")
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> get(String host, String path) throws Exception {
		return get(host, server.httpPort(), path);
	}

	private HttpResponse<String> get(String host, int port, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
		for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!nic.isUp() || nic.isLoopback()) {
				continue;
			}
			for (InetAddress address : Collections.list(nic.getInetAddresses())) {
				if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
					return Optional.of(address);
				}
			}
		}
		return Optional.empty();
	}

}
