package io.herald.it;

import java.time.Duration;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.it.support.OverEveryTransport;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /user/queue/…}: a SEND to {@code /user/USER/queue/NAME} reaches every session of
 * that user and nobody else. Under the default (anonymous) authenticator the
 * {@code login} header names the user.
 */
class UserDestinationIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	@OverEveryTransport
	void deliveredToEverySessionOfTheNamedUser(Transport transport) {
		String alice = HeraldServer.unique("alice");
		String bob = HeraldServer.unique("bob");
		try (StompConnection alicePhone = transport.open(server);
				StompConnection aliceLaptop = transport.open(server);
				StompConnection bobs = transport.open(server);
				StompConnection sender = transport.connect(server)) {
			assertThat(alicePhone.connect("login", alice).header("user-name")).isEqualTo(alice);
			aliceLaptop.connect("login", alice);
			bobs.connect("login", bob);
			alicePhone.subscribe("/user/queue/inbox", "in");
			aliceLaptop.subscribe("/user/queue/inbox", "in");
			bobs.subscribe("/user/queue/inbox", "in");

			sender.publish("/user/" + alice + "/queue/inbox", "for alice");
			sender.publish("/user/" + bob + "/queue/inbox", "for bob");
			for (StompConnection session : new StompConnection[] { alicePhone, aliceLaptop }) {
				StompFrame message = session.receive("MESSAGE");
				assertThat(message.bodyText()).isEqualTo("for alice");
				assertThat(message.header("destination")).isEqualTo("/user/queue/inbox");
				assertThat(message.header("subscription")).isEqualTo("in");
			}
			// bob's first message is his own: alice's never reached him
			assertThat(bobs.receive("MESSAGE").bodyText()).isEqualTo("for bob");
			alicePhone.expectNoFrame(Duration.ofMillis(200));
			aliceLaptop.expectNoFrame(Duration.ofMillis(10));
		}
	}

	@OverEveryTransport
	void anonymousSessionCannotSubscribeToUserQueue(Transport transport) {
		try (StompConnection anonymous = transport.connect(server)) {
			anonymous.send(StompFrame.create("SUBSCRIBE").header("destination", "/user/queue/inbox").header("id", "1"));
			assertThat(anonymous.expectErrorAndClose().header("message")).contains("needs a user");
		}
	}

	@OverEveryTransport
	void sendToUserQueueWithoutAUserIsRefused(Transport transport) {
		try (StompConnection client = transport.connect(server, "login", HeraldServer.unique("carol"))) {
			client.send(StompFrame.create("SEND").header("destination", "/user/queue/inbox").body("to whom?"));
			assertThat(client.expectErrorAndClose().header("message")).contains("/user/USER/queue/NAME");
		}
	}

	@OverEveryTransport
	void userQueueSubscriptionsAreSeparatedByName(Transport transport) {
		String dave = HeraldServer.unique("dave");
		try (StompConnection client = transport.connect(server, "login", dave);
				StompConnection sender = transport.connect(server)) {
			client.subscribe("/user/queue/a", "a");
			client.subscribe("/user/queue/b", "b");
			sender.publish("/user/" + dave + "/queue/b", "for b");
			sender.publish("/user/" + dave + "/queue/a", "for a");
			StompFrame first = client.receive("MESSAGE");
			StompFrame second = client.receive("MESSAGE");
			assertThat(first.header("subscription") + "=" + first.bodyText()).isEqualTo("b=for b");
			assertThat(second.header("subscription") + "=" + second.bodyText()).isEqualTo("a=for a");
			assertThat(second.header("destination")).isEqualTo("/user/queue/a");
		}
	}

}
