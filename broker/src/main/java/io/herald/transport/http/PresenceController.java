package io.herald.transport.http;

import io.herald.security.Identity;
import io.herald.session.Publisher;
import io.herald.session.Publisher.PublishException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/presence/topic/NAME}: who is in a room now, as a
 * {@code /presence/topic/NAME} subscriber's snapshot says, for backends. Authenticated as
 * the publish API is; it takes the right to subscribe to {@code /topic/NAME}.
 */
@RestController
public class PresenceController {

	private final Publisher publisher;

	public PresenceController(Publisher publisher) {
		this.publisher = publisher;
	}

	@GetMapping("/api/v1/presence/topic/{room}")
	@Operation(summary = "Who is in a room",
			description = "A JSON array of members (user, session, info), or {sessions, users} counts for a room "
					+ "over herald.topics.presence-max-members; needs the right to subscribe to /topic/ROOM.")
	@ApiResponse(responseCode = "200", description = "the snapshot")
	@ApiResponse(responseCode = "403", description = "the caller may not subscribe to the room's topic")
	@ApiResponse(responseCode = "404", description = "no topic rule has presence for this room")
	public ResponseEntity<Object> snapshot(@PathVariable String room, HttpServletRequest request) {
		try {
			Identity identity = this.publisher.authenticate(HttpApi.credentials(request));
			byte[] body = this.publisher.presence(identity, Publisher.client(identity, request.getRemoteAddr()), room);
			return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
		}
		catch (PublishException ex) {
			return HttpApi.problem(ex);
		}
	}

}
