package io.herald.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.JsonHttp;
import io.herald.testclient.StalledClient;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The memory alarm over real sockets: a subscriber that stops reading makes the broker
 * hold bytes for it until the node's budget is full; publishing is then refused with an
 * ERROR naming the limit and health reports the node out of service; once that client is
 * gone the alarm releases by itself and publishing works again.
 */
class MemoryAlarmIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.limits.max-memory=2MB",
			"--herald.limits.outbound-buffer-size=32MB");

	private static final String BODY = "m".repeat(64 * 1024);

	private final HttpClient http = HttpClient.newHttpClient();

	private int health() throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/actuator/health"))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	@Test
	void alarmRefusesPublishingWhileTheBudgetIsFullAndReleasesByItself() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("hoard");
		assertThat(health()).isEqualTo(200);
		StompFrame refusal = null;
		StalledClient stalled = StalledClient.subscribe(server, topic);
		try (StompConnection publisher = Transport.TCP.connect(server)) {
			for (int i = 0; i < 400 && refusal == null; i++) {
				publisher
					.send(StompFrame.create("SEND").header("destination", topic).header("receipt", "r" + i).body(BODY));
				StompFrame answer = publisher.receive();
				if ("ERROR".equals(answer.command())) {
					refusal = answer;
				}
			}
			assertThat(refusal).as("refused once the budget is full").isNotNull();
			assertThat(refusal.header("message")).startsWith("memory alarm").contains("herald.limits.max-memory");
			assertThat(health()).as("out of service while alarmed").isEqualTo(503);
			JsonHttp.Answer overHttp = JsonHttp.post(server, "/api/v1/publish", "application/json",
					"{\"destination\":\"" + topic + "\",\"body\":\"x\"}");
			JsonHttp.assertProblem(overHttp, 503, "unavailable", "memory alarm");
			assertThat(overHttp.header("Retry-After")).isEqualTo("1");
		}
		finally {
			// the bytes held for it go back to the budget
			stalled.close();
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> health() == 200);
		try (StompConnection later = Transport.WEBSOCKET.connect(server)) {
			StompFrame receipt = later
				.sendWithReceipt(StompFrame.create("SEND").header("destination", topic).body("again"));
			assertThat(receipt.command()).isEqualTo("RECEIPT");
		}
	}

}
