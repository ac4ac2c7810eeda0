package io.herald.security;

import io.herald.routing.DestinationPattern;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RuleBasedDestinationPolicyTest {

	private static final Identity FEED = Identity.of("feed", Set.of("feed"));

	private static final Identity ALICE = Identity.of("alice", Set.of("trader"));

	private final RuleBasedDestinationPolicy policy = new RuleBasedDestinationPolicy(
			List.of(rule("role:feed", Set.of(Action.SEND), "/topic/prices.#", true),
					rule("everyone", Set.of(Action.SUBSCRIBE), "/topic/prices.#", true),
					rule("user:mallory", Set.of(Action.SUBSCRIBE, Action.SEND), "/topic/chat.#", false),
					rule("authenticated", Set.of(Action.SUBSCRIBE, Action.SEND), "/topic/chat.#", true),
					rule("authenticated", Set.of(Action.SUBSCRIBE), "/user/queue/#", true),
					rule("authenticated", Set.of(Action.SEND), "/user/*/queue/#", true)));

	@Test
	void onlyTheFeedPublishesPricesButEveryoneSubscribes() {
		assertThat(this.policy.allows(FEED, Action.SEND, "/topic/prices.AAPL")).isTrue();
		assertThat(this.policy.allows(ALICE, Action.SEND, "/topic/prices.AAPL")).isFalse();
		assertThat(this.policy.allows(Identity.anonymous(), Action.SUBSCRIBE, "/topic/prices.*")).isTrue();
	}

	@Test
	void theFirstRuleThatAppliesDecides() {
		Identity mallory = Identity.of("mallory", Set.of());
		assertThat(this.policy.allows(mallory, Action.SEND, "/topic/chat.room1")).isFalse();
		assertThat(this.policy.allows(ALICE, Action.SEND, "/topic/chat.room1")).isTrue();
		assertThat(this.policy.allows(Identity.anonymous(), Action.SEND, "/topic/chat.room1")).isFalse();
	}

	@Test
	void anAssignedAnonymousNameMatchesNoUserRuleAndNoUserPlaceholder() {
		Identity anonymous = Identity.anonymous("node-1");
		RuleBasedDestinationPolicy policy = new RuleBasedDestinationPolicy(
				List.of(rule("user:anonymous-node-1", Set.of(Action.SEND), "/topic/#", true),
						rule("everyone", Set.of(Action.SEND), "/topic/chat.{user}", true)));
		assertThat(anonymous.name()).isEqualTo("anonymous-node-1");
		assertThat(anonymous.isAnonymous()).isTrue();
		assertThat(policy.allows(anonymous, Action.SEND, "/topic/prices.AAPL")).isFalse();
		assertThat(policy.allows(anonymous, Action.SEND, "/topic/chat.anonymous-node-1")).isFalse();
		assertThat(this.policy.allows(anonymous, Action.SEND, "/topic/chat.room1")).isFalse();
	}

	@Test
	void aWildcardSubscriptionCannotSlipPastADenyRule() {
		RuleBasedDestinationPolicy policy = new RuleBasedDestinationPolicy(
				List.of(rule("everyone", Set.of(Action.SUBSCRIBE), "/topic/secret.#", false),
						rule("everyone", Set.of(Action.SUBSCRIBE), "/topic/#", true)));
		assertThat(policy.allows(ALICE, Action.SUBSCRIBE, "/topic/#")).isFalse();
		assertThat(policy.allows(ALICE, Action.SUBSCRIBE, "/topic/*")).isFalse();
		assertThat(policy.allows(ALICE, Action.SUBSCRIBE, "/topic/public.*")).isTrue();
		assertThat(policy.allows(ALICE, Action.SUBSCRIBE, "/topic/secret.plans")).isFalse();
	}

	@Test
	void anAllowRuleMustCoverAWildcardSubscriptionWhole() {
		assertThat(this.policy.allows(ALICE, Action.SUBSCRIBE, "/topic/chat.#")).isTrue();
		assertThat(this.policy.allows(ALICE, Action.SUBSCRIBE, "/topic/#")).as("prices and chat, but more too")
			.isFalse();
	}

	@Test
	void whatNoRuleAllowsIsDenied() {
		assertThat(this.policy.allows(ALICE, Action.SUBSCRIBE, "/queue/orders")).isFalse();
		assertThat(this.policy.allows(FEED, Action.SEND, "/topic/news")).isFalse();
	}

	@Test
	void grantsOfTheIdentityAllowWhatNoRuleSpeaksAbout() {
		Identity granted = new Identity("bob", Set.of(),
				List.of(new Grant(Action.SEND, DestinationPattern.compile("/queue/{user}.orders"))), null);
		assertThat(this.policy.allows(granted, Action.SEND, "/queue/bob.orders")).isTrue();
		assertThat(this.policy.allows(granted, Action.SEND, "/queue/alice.orders")).isFalse();
		assertThat(this.policy.allows(granted, Action.SUBSCRIBE, "/queue/bob.orders")).isFalse();
	}

	@Test
	void whoIsParsedOrRefusedWithTheAcceptedForms() {
		assertThat(AccessRule.Who.parse("role:admin")).isEqualTo(new AccessRule.Who(AccessRule.Who.Kind.ROLE, "admin"));
		assertThat(AccessRule.Who.parse("Anonymous").kind()).isEqualTo(AccessRule.Who.Kind.ANONYMOUS);
		assertThatIllegalArgumentException().isThrownBy(() -> AccessRule.Who.parse("group:x"))
			.withMessageContaining("user:NAME, role:NAME");
	}

	@Test
	void aSendIsReadTheWayRoutingRoutesIt() {
		// routing sends /user/queue/queue/x to the queue 'x' of the user named 'queue'
		RuleBasedDestinationPolicy own = new RuleBasedDestinationPolicy(
				List.of(rule("authenticated", Set.of(Action.SEND), "/user/{user}/queue/#", true)));
		assertThat(own.allows(Identity.of("queue", Set.of()), Action.SEND, "/user/queue/queue/x")).isTrue();
		assertThat(own.allows(ALICE, Action.SEND, "/user/queue/queue/x")).isFalse();
		assertThat(own.allows(ALICE, Action.SEND, "/user/alice/queue/x")).isTrue();
	}

	private static AccessRule rule(String who, Set<Action> actions, String destination, boolean allow) {
		return new AccessRule(AccessRule.Who.parse(who), actions, List.of(DestinationPattern.compile(destination)),
				allow);
	}

}
