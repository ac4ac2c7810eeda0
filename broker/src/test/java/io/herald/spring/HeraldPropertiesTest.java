package io.herald.spring;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HeraldPropertiesTest {

	@Test
	void matchCacheSizeMustBePositiveNamingItsKey() {
		assertThat(new HeraldProperties.Routing(1).matchCacheSize()).isEqualTo(1);
		assertThatIllegalArgumentException().isThrownBy(() -> new HeraldProperties.Routing(0))
			.withMessage("herald.routing.match-cache-size must be positive, was '0'");
	}

	@Test
	void aStaticUserCannotTakeTheNameOfAnAnonymousSession() {
		String hash = "$2a$04$" + "a".repeat(53);
		HeraldProperties.Security.User user = new HeraldProperties.Security.User("anonymous-node-1", hash, List.of());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HeraldProperties.Security(true, List.of(user), null, List.of(), "admin"))
			.withMessageStartingWith("herald.security.users[0].name must not start with 'anonymous-'");
	}

}
