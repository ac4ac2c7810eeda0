package io.herald.it;

import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.JsonHttp.Answer;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import static io.herald.it.support.JsonHttp.JSON;
import static io.herald.it.support.JsonHttp.assertProblem;
import static io.herald.it.support.JsonHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP publish API over real HTTP on the embedded default (anonymous senders
 * allowed): what a publish answers and what subscribers get, batches, retain, history and
 * idempotency through it, and every way a request can be refused.
 */
class HttpPublishIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs(
			"--herald.topics.rules[0].destinations[0]=/topic/remembered.#",
			"--herald.topics.rules[0].retain=on-request", "--herald.topics.rules[0].history-size=100",
			"--herald.topics.rules[0].idempotency-window=30s", "--herald.limits.max-frame-size=64KB",
			"--herald.queues.max-length=2");

	private static Answer publish(String body) throws Exception {
		return post(server, "/api/v1/publish", "application/json", body);
	}

	@Test
	void aPublishedJsonValueReachesSubscribersOnEveryTransportAsJsonFromTheAnonymousSender() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("http");
		try (StompConnection ws = Transport.WEBSOCKET.connect(server);
				StompConnection tcp = Transport.TCP.connect(server);
				StompConnection sockjs = Transport.SOCKJS.connect(server)) {
			for (StompConnection subscriber : List.of(ws, tcp, sockjs)) {
				subscriber.subscribe(topic, "s");
			}
			Answer answer = publish("{\"destination\":\"" + topic
					+ "\",\"body\":{\"price\":42.5,\"symbol\":\"AAPL\"},\"headers\":{\"x-source\":\"backend\"}}");
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.body().get("delivered").intValue()).isEqualTo(3);
			assertThat(answer.body().has("queued")).isFalse();
			assertThat(answer.body().get("messageId").stringValue()).isNotBlank();
			for (StompConnection subscriber : List.of(ws, tcp, sockjs)) {
				StompFrame message = subscriber.receive("MESSAGE");
				assertThat(JSON.readTree(message.bodyText()).get("price").doubleValue()).isEqualTo(42.5);
				assertThat(message.header("content-type")).isEqualTo("application/json");
				assertThat(message.header("x-source")).isEqualTo("backend");
				assertThat(message.header("x-herald-user")).isEqualTo("anonymous-http");
				assertThat(message.header("message-id")).isEqualTo(answer.body().get("messageId").stringValue());
			}
		}
	}

	@Test
	void aStringBodyGoesAsTextAndTheSenderCannotBeSpoofed() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("text");
		try (StompConnection subscriber = Transport.TCP.connect(server)) {
			subscriber.subscribe(topic, "s");
			Answer answer = publish("{\"destination\":\"" + topic
					+ "\",\"body\":\"héllo\",\"headers\":{\"x-herald-user\":\"admin\",\"destination\":\"/topic/else\"}}");
			assertThat(answer.status()).isEqualTo(200);
			StompFrame message = subscriber.receive("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("héllo");
			assertThat(message.header("content-type")).isEqualTo("text/plain;charset=utf-8");
			assertThat(message.header("x-herald-user")).isEqualTo("anonymous-http");
			assertThat(message.header("destination")).isEqualTo(topic);
			publish("{\"destination\":\"" + topic + "\",\"body\":\"<b/>\",\"contentType\":\"text/html\"}");
			assertThat(subscriber.receive("MESSAGE").header("content-type")).isEqualTo("text/html");
		}
	}

	@Test
	void aQueueMessageWaitsAndSaysSoThenAFullQueueIsRefusedWithRetryAfter() throws Exception {
		String queue = "/queue/" + HeraldServer.unique("jobs");
		Answer first = publish("{\"destination\":\"" + queue + "\",\"body\":\"1\"}");
		assertThat(first.body().get("queued").booleanValue()).isTrue();
		assertThat(first.body().has("delivered")).as("a queue hands it to one consumer, now or later").isFalse();
		publish("{\"destination\":\"" + queue + "\",\"body\":\"2\"}");
		Answer full = publish("{\"destination\":\"" + queue + "\",\"body\":\"3\"}");
		assertThat(full.status()).isEqualTo(503);
		assertThat(full.body().get("fault").stringValue()).isEqualTo("queue-full");
		assertThat(full.body().get("detail").stringValue()).contains("is full");
		assertThat(full.header("Retry-After")).isEqualTo("1");
		try (StompConnection consumer = Transport.TCP.connect(server)) {
			consumer.subscribe(queue, "c");
			assertThat(consumer.receiveMessages(2, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("1", "2");
			assertThat(publish("{\"destination\":\"" + queue + "\",\"body\":\"4\"}").status()).isEqualTo(200);
			assertThat(consumer.receive("MESSAGE").bodyText()).isEqualTo("4");
		}
	}

	@Test
	void historyRetainAndIdempotencyWorkAsForASend() throws Exception {
		String topic = "/topic/remembered." + HeraldServer.unique("r");
		Answer first = publish(
				"{\"destination\":\"" + topic + "\",\"body\":\"v1\",\"retain\":true,\"idempotencyKey\":\"k-1\"}");
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.body().get("offset").longValue()).isEqualTo(1);
		String epoch = first.body().get("epoch").stringValue();
		assertThat(epoch).isNotBlank();
		Answer retried = publish(
				"{\"destination\":\"" + topic + "\",\"body\":\"v1 again\",\"retain\":true,\"idempotencyKey\":\"k-1\"}");
		assertThat(retried.body().get("duplicate").booleanValue()).isTrue();
		Answer second = publish("{\"destination\":\"" + topic + "\",\"body\":\"v2\",\"idempotencyKey\":\"k-2\"}");
		assertThat(second.body().get("offset").longValue()).as("the duplicate took no offset").isEqualTo(2);
		try (StompConnection late = Transport.TCP.connect(server);
				StompConnection resuming = Transport.TCP.connect(server)) {
			late.subscribe(topic, "late");
			StompFrame retained = late.receive("MESSAGE");
			assertThat(retained.bodyText()).isEqualTo("v1");
			assertThat(retained.header("x-herald-retained")).isEqualTo("true");
			resuming.subscribe(topic, "r", "x-herald-since", epoch + ":0");
			assertThat(resuming.receiveMessages(2, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("v1", "v2");
		}
		Answer notRetaining = publish(
				"{\"destination\":\"/topic/" + HeraldServer.unique("plain") + "\",\"body\":\"x\",\"retain\":true}");
		assertThat(notRetaining.status()).isEqualTo(400);
		assertThat(notRetaining.body().get("detail").stringValue()).contains("x-herald-retain");
	}

	@Test
	void aBatchAnswersEachMessageInOrderAndOneBadMessageSpoilsNothingElse() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("batch");
		try (StompConnection subscriber = Transport.TCP.connect(server)) {
			subscriber.subscribe(topic, "s");
			Answer answer = post(server, "/api/v1/publish/batch", "application/json",
					"[{\"destination\":\"" + topic + "\",\"body\":\"a\"},{\"destination\":\"/nowhere\",\"body\":\"b\"},"
							+ "{\"destination\":\"" + topic + "\",\"body\":\"c\"}]");
			assertThat(answer.status()).isEqualTo(200);
			JsonNode results = answer.body().get("results");
			assertThat(results.size()).isEqualTo(3);
			assertThat(results.get(0).get("status").intValue()).isEqualTo(200);
			assertThat(results.get(1).get("status").intValue()).isEqualTo(400);
			assertThat(results.get(1).get("detail").stringValue()).contains("/nowhere");
			assertThat(results.get(2).get("delivered").intValue()).isEqualTo(1);
			assertThat(subscriber.receiveMessages(2, StompConnection.WAIT)).extracting(StompFrame::bodyText)
				.containsExactly("a", "c");
		}
		StringBuilder tooMany = new StringBuilder("[");
		for (int i = 0; i <= 1000; i++) {
			tooMany.append((i > 0) ? "," : "").append("{\"destination\":\"").append(topic).append("\"}");
		}
		Answer refused = post(server, "/api/v1/publish/batch", "application/json", tooMany.append(']').toString());
		assertThat(refused.status()).isEqualTo(413);
		assertThat(refused.body().get("detail").stringValue()).contains("at most 1000");
		Answer tokens = post(server, "/api/v1/publish/batch", "application/json", "[" + "[],".repeat(150_000) + "[]]");
		assertProblem(tokens, 413, "too-large", "at most 200000 tokens");
		Answer notArray = post(server, "/api/v1/publish/batch", "application/json", "{}");
		assertThat(notArray.status()).isEqualTo(400);
	}

	@Test
	void badRequestsGetProblemDetailsNamingTheFault() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("bad");
		assertProblem(publish("{\"destination\":\"/nowhere\",\"body\":\"x\"}"), 400, "bad-request", "/nowhere");
		assertProblem(publish("{\"body\":\"x\"}"), 400, "bad-request", "'destination' is required");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"bdy\":\"x\"}"), 400, "bad-request",
				"unknown field 'bdy'");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"retain\":\"yes\"}"), 400, "bad-request",
				"'retain' must be true or false");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"headers\":{\"a\":1}}"), 400, "bad-request",
				"header 'a' must have a string value");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"headers\":{\"a\":\"x\\ny\"}}"), 400, "bad-request",
				"control character");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"headers\":{\"a:b\":\"x\"}}"), 400, "bad-request",
				"without ':'");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"headers\":{\"x-herald-retain\":\"true\"}}"), 400,
				"bad-request", "is set with the 'retain' field");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"headers\":{\"Content-Type\":\"text/html\"}}"), 400,
				"bad-request", "'contentType' field");
		assertProblem(publish("{\"destination\":"), 400, "bad-request", "not valid JSON");
		assertProblem(publish("[1]"), 400, "bad-request", "JSON object");
		assertProblem(post(server, "/api/v1/publish", "text/plain", "{\"destination\":\"" + topic + "\"}"), 415,
				"unsupported-type", "application/json");
		assertProblem(post(server, "/api/v1/publish", null, "{\"destination\":\"" + topic + "\"}"), 415,
				"unsupported-type", "application/json");
		assertProblem(publish("{\"destination\":\"" + topic + "\",\"body\":\"" + "x".repeat(64 * 1024 + 1) + "\"}"),
				413, "too-large", "herald.limits.max-frame-size");
		assertProblem(post(server, "/api/v1/publish", "application/json", "x".repeat(2 * 1024 * 1024)), 413,
				"too-large", "over its limit");
	}

}
