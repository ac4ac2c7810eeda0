package io.herald.transport.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import io.herald.security.Credentials;
import io.herald.session.Publisher.Fault;
import io.herald.session.Publisher.PublishException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * What the backend-facing HTTP calls share: credentials read as a CONNECT's, and faults
 * answered as RFC 9457 problem details with a {@code fault} name.
 */
final class HttpApi {

	private HttpApi() {
	}

	/**
	 * The request's credentials: HTTP Basic as login and passcode, a bearer token as is,
	 * the client's address; another {@code Authorization} scheme is refused.
	 */
	static Credentials credentials(HttpServletRequest request) throws PublishException {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null || authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return new Credentials(null, null, authorization, null, request.getRemoteAddr());
		}
		if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			// never anonymous by mistake: a backend that sends something else is told
			throw new PublishException(Fault.UNAUTHENTICATED, "Authorization must be Basic or Bearer");
		}
		String decoded;
		try {
			decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new PublishException(Fault.UNAUTHENTICATED, "the Basic credentials are not valid base64");
		}
		int colon = decoded.indexOf(':');
		if (colon < 0) {
			throw new PublishException(Fault.UNAUTHENTICATED, "the Basic credentials are not user:password");
		}
		return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), null, null,
				request.getRemoteAddr());
	}

	static ResponseEntity<Object> problem(PublishException ex) {
		HttpStatus status = status(ex.fault());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setType(URI.create("https://herald.dev/problems/" + faultName(ex.fault())));
		problem.setProperty("fault", faultName(ex.fault()));
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (ex.retryAfterMillis() > 0) {
			answer.header(HttpHeaders.RETRY_AFTER, Long.toString((ex.retryAfterMillis() + 999) / 1000));
		}
		if (ex.fault() == Fault.UNAUTHENTICATED) {
			answer.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"herald\", Bearer");
		}
		return answer.body(problem);
	}

	static HttpStatus status(Fault fault) {
		return switch (fault) {
			case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
			case UNSUPPORTED_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
			case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
			case ACCESS_DENIED -> HttpStatus.FORBIDDEN;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
			case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
			case RATE_LIMITED -> HttpStatus.TOO_MANY_REQUESTS;
			case QUEUE_FULL, UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
		};
	}

	static String faultName(Fault fault) {
		return fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
