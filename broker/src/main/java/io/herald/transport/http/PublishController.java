package io.herald.transport.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

import io.herald.memory.MemoryBudget;
import io.herald.protocol.Headers;
import io.herald.routing.Ingress;
import io.herald.security.Identity;
import io.herald.session.Publisher;
import io.herald.session.Publisher.Fault;
import io.herald.session.Publisher.PublishException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP publish API for backends that do not speak STOMP: {@code POST /api/v1/publish}
 * with one message as JSON, {@code POST /api/v1/publish/batch} with an array of them. A
 * request is authenticated as a CONNECT is (HTTP Basic for a static user, a JWT bearer
 * token, or nothing for an anonymous sender where those may connect), each message goes
 * through the same {@code send} rules and limits as a SEND ({@link Publisher}), and the
 * answer says what routing did, or is a problem-details error naming the fault.
 *
 * <p>
 * Requests must be {@code application/json}: a page of another site cannot send that
 * without a CORS preflight, which Herald never grants, so no cookie or cached login of an
 * operator's browser can be abused to publish. A request body is read within a bound, and
 * counted against the node's memory budget while it is parsed.
 */
@RestController
@RequestMapping("/api/v1/publish")
public class PublishController {

	/** Most messages in one batch. */
	public static final int MAX_BATCH = 1_000;

	/** Most bytes of a batch request, whatever its messages. */
	public static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

	/** Most JSON tokens of one request: what bounds its parsed tree. */
	static final long MAX_TOKENS = 200_000;

	/** Deepest nesting of a request's JSON. */
	static final int MAX_NESTING = 64;

	/** Memory counted per request byte while a call is served: bytes, copy and tree. */
	private static final int MEMORY_PER_BYTE = 4;

	/** Headers a message sets with a field of its own. */
	private static final Map<String, String> FIELD_OF_HEADER = Map.of("content-type", "contentType",
			Ingress.RETAIN_HEADER, "retain", Ingress.IDEMPOTENCY_HEADER, "idempotencyKey");

	private static final Set<String> FIELDS = Set.of("destination", "body", "headers", "contentType", "retain",
			"idempotencyKey");

	private final Publisher publisher;

	private final JsonMapper json;

	private final MemoryBudget memory;

	private final int maxBodyBytes;

	/** Calls served at once: beyond them a call is refused, not queued on a thread. */
	private final int concurrency;

	private final Semaphore inFlight;

	/**
	 * @param maxBodyBytes the largest message body ({@code herald.limits.max-frame-size})
	 */
	public PublishController(Publisher publisher, MemoryBudget memory, int maxBodyBytes) {
		this.publisher = publisher;
		this.json = JsonMapper
			.builder(JsonFactory.builder()
				.streamReadConstraints(
						StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS).maxNestingDepth(MAX_NESTING).build())
				.build())
			.build();
		this.concurrency = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
		this.inFlight = new Semaphore(this.concurrency);
		this.memory = memory;
		this.maxBodyBytes = maxBodyBytes;
	}

	/** One message, as the API reads it (for the OpenAPI description). */
	@Schema(name = "PublishRequest", description = "One message to publish")
	public record Request(
			@Schema(description = "where it goes: /topic/NAME, /queue/NAME or /user/NAME/queue/NAME",
					example = "/topic/prices.AAPL", requiredMode = Schema.RequiredMode.REQUIRED) String destination,
			@Schema(description = "a string (sent as text/plain) or any JSON value (sent as application/json)",
					example = "{\"price\": 189.5}") Object body,
			@Schema(description = "headers for subscribers, string values") Map<String, String> headers,
			@Schema(description = "the content-type subscribers see, instead of the body's",
					example = "application/json") String contentType,
			@Schema(description = "keep it as the topic's retained value, where its rule lets the sender choose") Boolean retain,
			@Schema(description = "a retry with the same key within the topic's idempotency window is not routed again",
					example = "tick-42") String idempotencyKey) {
	}

	/** What routing did with one message (for the OpenAPI description). */
	@Schema(name = "PublishResult")
	public record Result(String destination, String messageId,
			@Schema(description = "topic subscribers it was handed to") Integer delivered,
			@Schema(description = "a queue took it, for one consumer now or when one is ready") Boolean queued,
			@Schema(description = "a retry within the idempotency window, not routed again") boolean duplicate,
			@Schema(description = "its offset in the topic's history, where it keeps one") Long offset,
			@Schema(description = "the history's epoch") String epoch) {
	}

	@PostMapping
	@Operation(summary = "Publish one message",
			description = "Authenticated as a STOMP CONNECT (HTTP Basic for a static user, a JWT bearer token, or "
					+ "nothing where anonymous clients may connect), checked against the same send rules; "
					+ "the sender is stamped as x-herald-user.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = "application/json",
							schema = @Schema(implementation = Request.class))))
	@ApiResponse(responseCode = "200", description = "what routing did",
			content = @Content(schema = @Schema(implementation = Result.class)))
	@ApiResponse(responseCode = "400", description = "a bad destination, field, header or JSON",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "401", description = "credentials missing or wrong",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "403", description = "the sender may not send there",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "413", description = "the body or a header is over the frame limits",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "415", description = "not application/json",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "429", description = "over the sender's rate, or waiting after failed logins",
			content = @Content(mediaType = "application/problem+json"))
	@ApiResponse(responseCode = "503", description = "the queue is full, or the node's memory alarm is on",
			content = @Content(mediaType = "application/problem+json"))
	public ResponseEntity<Object> publish(HttpServletRequest request) {
		return serve(request, maxRequestBytes(), (identity, item) -> publishOne(identity, request, item));
	}

	@PostMapping("/batch")
	@Operation(summary = "Publish up to 1,000 messages",
			description = "One result per message, in order: a PublishResult with status 200, or status, fault "
					+ "and detail; one bad message spoils nothing else.",
			requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
					content = @Content(mediaType = "application/json",
							array = @ArraySchema(schema = @Schema(implementation = Request.class)))))
	@ApiResponse(responseCode = "200", description = "{\"results\": [...]}, one per message")
	public ResponseEntity<Object> publishBatch(HttpServletRequest request) {
		return serve(request, MAX_BATCH_BYTES, (identity, items) -> {
			if (!items.isArray()) {
				throw bad("a batch is a JSON array of messages");
			}
			if (items.size() > MAX_BATCH) {
				throw new PublishException(Fault.TOO_LARGE,
						"a batch holds at most " + MAX_BATCH + " messages, this one " + items.size());
			}
			List<Object> results = new ArrayList<>(items.size());
			for (JsonNode item : items) {
				try {
					Map<String, Object> result = publishOne(identity, request, item);
					result.put("status", 200);
					results.add(result);
				}
				catch (PublishException ex) {
					Map<String, Object> failure = new LinkedHashMap<>();
					failure.put("status", HttpApi.status(ex.fault()).value());
					failure.put("fault", HttpApi.faultName(ex.fault()));
					failure.put("detail", ex.getMessage());
					results.add(failure);
				}
			}
			return Map.of("results", results);
		});
	}

	/** What a call does with the JSON it was sent. */
	private interface Handler {

		Object handle(Identity identity, JsonNode json) throws PublishException;

	}

	/**
	 * Serves one call: at most {@link #concurrency} at a time, its body read within
	 * {@code maxBytes} and counted against the node's memory budget (with what its parsed
	 * tree takes) until the answer is made, then authenticated.
	 */
	private ResponseEntity<Object> serve(HttpServletRequest request, int maxBytes, Handler handler) {
		if (!this.inFlight.tryAcquire()) {
			return HttpApi.problem(new PublishException(Fault.UNAVAILABLE,
					"too many publish requests at once (" + this.concurrency + "); retry", 1000));
		}
		long[] reserved = { 0 };
		try {
			// the body first, whatever the answer: a connection kept alive must not be
			// left with the rest of a request in it
			JsonNode json = read(request, maxBytes, reserved);
			return ResponseEntity.ok(handler.handle(authenticate(request), json));
		}
		catch (PublishException ex) {
			ResponseEntity<Object> problem = HttpApi.problem(ex);
			if (request.getContentLengthLong() <= maxBytes) {
				return problem;
			}
			// a body too large to read is left unread: the connection goes with it
			return ResponseEntity.status(problem.getStatusCode()).headers((headers) -> {
				headers.addAll(problem.getHeaders());
				headers.setConnection("close");
			}).body(problem.getBody());
		}
		finally {
			this.memory.release(reserved[0]);
			this.inFlight.release();
		}
	}

	private int maxRequestBytes() {
		// room for the body's JSON escaping and the other fields
		return (int) Math.min(Integer.MAX_VALUE - 64, 2L * this.maxBodyBytes + 64 * 1024);
	}

	private Identity authenticate(HttpServletRequest request) throws PublishException {
		return this.publisher.authenticate(HttpApi.credentials(request));
	}

	/**
	 * @param reserved where the bytes reserved in the memory budget are added, for the
	 * caller to release
	 */
	private JsonNode read(HttpServletRequest request, int maxBytes, long[] reserved) throws PublishException {
		String type = request.getContentType();
		if (type == null || !isJson(type)) {
			discard(request, maxBytes);
			throw new PublishException(Fault.UNSUPPORTED_TYPE, "Content-Type must be application/json, was " + type);
		}
		long declared = request.getContentLengthLong();
		if (declared > maxBytes) {
			throw new PublishException(Fault.TOO_LARGE,
					"the request is " + declared + " bytes, over its limit of " + maxBytes);
		}
		// before reading a byte: the alarm refuses what would only add to it
		this.publisher.checkMemory();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		byte[] chunk = new byte[8192];
		try (InputStream in = request.getInputStream()) {
			int n;
			while ((n = in.read(chunk)) >= 0) {
				if (bytes.size() + n > maxBytes) {
					throw new PublishException(Fault.TOO_LARGE, "the request is over its limit of " + maxBytes);
				}
				// the bytes, their copy and the tree made of them
				this.memory.reserve(MEMORY_PER_BYTE * n);
				reserved[0] += MEMORY_PER_BYTE * n;
				bytes.write(chunk, 0, n);
			}
			return this.json.readTree(bytes.toByteArray());
		}
		catch (IOException ex) {
			throw new PublishException(Fault.BAD_REQUEST, "the request could not be read: " + ex.getMessage());
		}
		catch (StreamConstraintsException ex) {
			throw new PublishException(Fault.TOO_LARGE,
					"the request's JSON is over its limits: " + ex.getOriginalMessage() + " (at most " + MAX_TOKENS
							+ " tokens, nested " + MAX_NESTING + " deep)");
		}
		catch (JacksonException ex) {
			throw new PublishException(Fault.BAD_REQUEST, "the request is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/**
	 * Reads and drops up to {@code maxBytes} of a body refused unread: a kept-alive
	 * connection must not keep the rest of a request for the next one.
	 */
	private static void discard(HttpServletRequest request, int maxBytes) {
		byte[] chunk = new byte[8192];
		long left = maxBytes;
		try (InputStream in = request.getInputStream()) {
			int n;
			while (left > 0 && (n = in.read(chunk, 0, (int) Math.min(chunk.length, left))) >= 0) {
				left -= n;
			}
		}
		catch (IOException ex) {
			// the connection is going anyway
		}
	}

	private static boolean isJson(String contentType) {
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json");
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private Map<String, Object> publishOne(Identity identity, HttpServletRequest request, JsonNode item)
			throws PublishException {
		if (!item.isObject()) {
			throw bad("a message is a JSON object with at least a destination");
		}
		for (String field : item.propertyNames()) {
			if (!FIELDS.contains(field)) {
				throw bad("unknown field '" + field + "'; a message has "
						+ String.join(", ", FIELDS.stream().sorted().toList()));
			}
		}
		String destination = string(item, "destination");
		if (destination == null) {
			throw bad("'destination' is required, e.g. \"/topic/prices.AAPL\"");
		}
		Headers.Builder headers = Headers.builder();
		JsonNode given = item.get("headers");
		if (given != null && !given.isNull()) {
			if (!given.isObject()) {
				throw bad("'headers' must be an object of string values");
			}
			for (Map.Entry<String, JsonNode> header : given.properties()) {
				if (!header.getValue().isString()) {
					throw bad("header '" + header.getKey() + "' must have a string value");
				}
				String field = FIELD_OF_HEADER.get(header.getKey().toLowerCase(Locale.ROOT));
				if (field != null) {
					throw bad(
							"header '" + header.getKey() + "' is set with the '" + field + "' field, not in 'headers'");
				}
				headers.add(header.getKey(), header.getValue().stringValue());
			}
		}
		JsonNode body = item.get("body");
		byte[] bytes;
		String defaultType;
		if (body == null) {
			bytes = new byte[0];
			defaultType = null;
		}
		else if (body.isString()) {
			bytes = body.stringValue().getBytes(StandardCharsets.UTF_8);
			defaultType = "text/plain;charset=utf-8";
		}
		else {
			bytes = this.json.writeValueAsBytes(body);
			defaultType = "application/json";
		}
		String contentType = string(item, "contentType");
		if (contentType != null || defaultType != null) {
			headers.add("content-type", (contentType != null) ? contentType : defaultType);
		}
		JsonNode retain = item.get("retain");
		if (retain != null && !retain.isNull()) {
			if (!retain.isBoolean()) {
				throw bad("'retain' must be true or false");
			}
			headers.add(Ingress.RETAIN_HEADER, Boolean.toString(retain.booleanValue()));
		}
		String key = string(item, "idempotencyKey");
		if (key != null) {
			headers.add(Ingress.IDEMPOTENCY_HEADER, key);
		}
		String client = Publisher.client(identity, request.getRemoteAddr());
		Publisher.Outcome outcome = this.publisher.publish(identity, client, destination, headers.build(), bytes);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("destination", outcome.destination());
		result.put("messageId", outcome.messageId());
		if (outcome.queued()) {
			result.put("queued", true);
		}
		else {
			result.put("delivered", outcome.receivers());
		}
		result.put("duplicate", outcome.duplicate());
		if (outcome.epoch() != null) {
			result.put("offset", outcome.offset());
			result.put("epoch", outcome.epoch());
		}
		return result;
	}

	private static String string(JsonNode item, String field) throws PublishException {
		JsonNode value = item.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw bad("'" + field + "' must be a string");
		}
		return value.stringValue();
	}

	private static PublishException bad(String message) {
		return new PublishException(Fault.BAD_REQUEST, message);
	}

}
