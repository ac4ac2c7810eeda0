package io.herald.it.relay;

import java.security.Principal;

import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Controller;

/**
 * The app's message handlers: a greeting broadcast with {@code @SendTo}, a note to one
 * user with {@code convertAndSendToUser}, an announcement with {@code convertAndSend}.
 */
@Controller
public class ChatController {

	private final SimpMessagingTemplate template;

	public ChatController(SimpMessagingTemplate template) {
		this.template = template;
	}

	/** What browsers send and receive, as JSON. */
	public record Note(String from, String to, String text) {
	}

	@MessageMapping("/hello")
	@SendTo("/topic/greetings")
	public Note hello(Note note, Principal user) {
		return new Note(user.getName(), null, "hello, " + note.text());
	}

	@MessageMapping("/note")
	public void note(Note note, Principal user) {
		this.template.convertAndSendToUser(note.to(), "/queue/notes", new Note(user.getName(), note.to(), note.text()));
	}

	@MessageMapping("/announce")
	public void announce(Note note) {
		this.template.convertAndSend("/topic/announcements", new Note("app", null, note.text()));
	}

}
