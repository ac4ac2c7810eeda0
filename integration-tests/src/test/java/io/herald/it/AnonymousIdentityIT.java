package io.herald.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 5: in the embedded default (anonymous is the only mode) the CONNECT
 * {@code login} header used to name the user, so any client could claim another's
 * {@code /user/queue/…} and be stamped as them. Now the broker names every anonymous
 * session {@code anonymous-SESSIONID} and ignores an unchecked login.
 */
class AnonymousIdentityIT {

	private static final int MESSAGES = 20;

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	@OverEveryTransport
	void anonymousLoginCannotClaimAnotherUsersQueue(Transport transport) {
		String topic = "/topic/" + HeraldServer.unique("identity.witness");
		try (StompConnection first = transport.open(server);
				StompConnection second = transport.open(server);
				StompConnection sender = transport.connect(server);
				StompConnection observer = transport.connect(server);
				StompConnection witnessPublisher = transport.connect(server);
				StompConnection witnessSubscriber = transport.connect(server)) {
			StompFrame firstConnected = first.connect("login", "alice");
			StompFrame secondConnected = second.connect("login", "alice");
			String firstName = firstConnected.header("user-name");
			String secondName = secondConnected.header("user-name");
			assertThat(firstName).isEqualTo("anonymous-" + firstConnected.header("session"));
			assertThat(secondName).isEqualTo("anonymous-" + secondConnected.header("session")).isNotEqualTo(firstName);
			first.subscribe("/user/queue/inbox", "in");
			second.subscribe("/user/queue/inbox", "in");
			witnessSubscriber.subscribe(topic, "w");
			observer.subscribe(topic, "o");

			for (int i = 0; i < MESSAGES; i++) {
				witnessPublisher.publish(topic, "witness-" + i);
				sender.publish("/user/alice/queue/inbox", "for alice " + i);
				sender.publish("/user/" + firstName + "/queue/inbox", "for the first " + i);
			}
			first.send(StompFrame.create("SEND").header("destination", topic).body("from the first"));
			second.send(StompFrame.create("SEND")
				.header("destination", topic)
				.header("x-herald-user", firstName)
				.body("from the second"));

			// the first gets only what was addressed to its assigned name, in order
			List<String> firstInbox = new ArrayList<>();
			for (StompFrame message : first.receiveMessages(MESSAGES, StompConnection.WAIT)) {
				firstInbox.add(message.bodyText());
			}
			assertThat(firstInbox).containsExactlyElementsOf(numbered("for the first ", MESSAGES));
			// the second claimed "alice" and was not given alice's (or the first's) queue
			second.expectNoFrame(Duration.ofMillis(300));
			first.expectNoFrame(Duration.ofMillis(10));

			// SENDs are stamped with the broker-assigned names, and a supplied one is
			// dropped
			List<String> witnessed = new ArrayList<>();
			List<String> senders = new ArrayList<>();
			for (StompFrame message : witnessSubscriber.receiveMessages(MESSAGES + 2, StompConnection.WAIT)) {
				if (message.bodyText().startsWith("from the")) {
					senders.add(message.bodyText() + "=" + message.header("x-herald-user"));
				}
				else {
					witnessed.add(message.bodyText());
				}
			}
			// the witness pair beside the attack got every message, in order
			assertThat(witnessed).containsExactlyElementsOf(numbered("witness-", MESSAGES));
			assertThat(senders).containsExactlyInAnyOrder("from the first=" + firstName,
					"from the second=" + secondName);
			assertThat(observer.receiveMessages(MESSAGES + 2, StompConnection.WAIT)).hasSize(MESSAGES + 2);
		}
	}

	@OverEveryTransport
	void anonymousClientSendingALoginStillConnectsUnderItsAssignedName(Transport transport) {
		try (StompConnection client = transport.open(server)) {
			StompFrame connected = client.connect("login", "guest", "passcode", "guest");
			assertThat(connected.header("user-name")).isEqualTo("anonymous-" + connected.header("session"));
		}
	}

	private static List<String> numbered(String prefix, int count) {
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			bodies.add(prefix + i);
		}
		return bodies;
	}

}
