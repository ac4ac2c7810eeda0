package io.herald.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls to a node's JSON HTTP APIs over real HTTP, and the checks their answers share.
 */
public final class JsonHttp {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private JsonHttp() {
	}

	/**
	 * An answer: its status, its body as JSON ({@code null} when empty), the response.
	 */
	public record Answer(int status, JsonNode body, HttpResponse<String> response) {

		public String header(String name) {
			return this.response.headers().firstValue(name).orElse(null);
		}

	}

	/**
	 * POSTs a body.
	 * @param contentType the request's Content-Type, or {@code null} for none
	 * @param headers more request headers, name and value in turn
	 */
	public static Answer post(HttpNode node, String path, String contentType, String body, String... headers)
			throws Exception {
		HttpRequest.Builder request = request(node, path, headers).POST(HttpRequest.BodyPublishers.ofString(body));
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		return send(request);
	}

	/** GETs a path. */
	public static Answer get(HttpNode node, String path, String... headers) throws Exception {
		return send(request(node, path, headers).GET());
	}

	private static HttpRequest.Builder request(HttpNode node, String path, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
			.timeout(Duration.ofSeconds(10));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return request;
	}

	private static Answer send(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
		return new Answer(response.statusCode(), json, response);
	}

	/**
	 * The answer is an RFC 9457 problem with this status and fault, its detail saying
	 * this.
	 */
	public static void assertProblem(Answer answer, int status, String fault, String detail) {
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(status);
		assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
		assertThat(answer.body().get("status").intValue()).isEqualTo(status);
		assertThat(answer.body().get("fault").stringValue()).isEqualTo(fault);
		assertThat(answer.body().get("detail").stringValue()).contains(detail);
	}

	/** What the calls need of a node: its HTTP port. */
	public interface HttpNode {

		int httpPort();

	}

}
