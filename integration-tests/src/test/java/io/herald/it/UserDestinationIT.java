package io.herald.it;

import java.time.Duration;

import io.herald.it.security.Tokens;
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
 * that user and nobody else. Users prove who they are with a JWT (anonymous access stays
 * on): an unchecked {@code login} names nobody, and each anonymous session is its own
 * user, {@code anonymous-SESSIONID}.
 */
class UserDestinationIT {

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs("--herald.security.jwt.secret=" + Tokens.SECRET);

	@OverEveryTransport
	void deliveredToEverySessionOfTheNamedUser(Transport transport) {
		String alice = HeraldServer.unique("alice");
		String bob = HeraldServer.unique("bob");
		try (StompConnection alicePhone = transport.open(server);
				StompConnection aliceLaptop = transport.open(server);
				StompConnection bobs = transport.open(server);
				StompConnection sender = transport.connect(server)) {
			assertThat(alicePhone.connect(as(alice)).header("user-name")).isEqualTo(alice);
			aliceLaptop.connect(as(alice));
			bobs.connect(as(bob));
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
	void anonymousSessionHasAUserQueueOfItsOwn(Transport transport) {
		try (StompConnection anonymous = transport.open(server);
				StompConnection other = transport.connect(server);
				StompConnection sender = transport.connect(server)) {
			String name = anonymous.connect().header("user-name");
			assertThat(name).startsWith("anonymous-");
			anonymous.subscribe("/user/queue/inbox", "in");
			other.subscribe("/user/queue/inbox", "in");
			sender.publish("/user/" + name + "/queue/inbox", "for you");
			StompFrame message = anonymous.receive("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("for you");
			assertThat(message.header("destination")).isEqualTo("/user/queue/inbox");
			other.expectNoFrame(Duration.ofMillis(200));
		}
	}

	@OverEveryTransport
	void sendToUserQueueWithoutAUserIsRefused(Transport transport) {
		try (StompConnection client = transport.connect(server, as(HeraldServer.unique("carol")))) {
			client.send(StompFrame.create("SEND").header("destination", "/user/queue/inbox").body("to whom?"));
			assertThat(client.expectErrorAndClose().header("message")).contains("/user/USER/queue/NAME");
		}
	}

	@OverEveryTransport
	void userQueueSubscriptionsAreSeparatedByName(Transport transport) {
		String dave = HeraldServer.unique("dave");
		try (StompConnection client = transport.connect(server, as(dave));
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

	/** The CONNECT headers of a user proven by a JWT. */
	private static String[] as(String user) {
		return new String[] { "Authorization", "Bearer " + Tokens.valid(user) };
	}

}
