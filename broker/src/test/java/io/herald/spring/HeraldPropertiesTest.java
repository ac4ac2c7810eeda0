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
			.isThrownBy(() -> new HeraldProperties.Security(true, List.of(user), null, List.of(), "admin", true))
			.withMessageStartingWith("herald.security.users[0].name must not start with 'anonymous-'");
	}

	@Test
	void maxDestinationSegmentsMustBeBetweenOneAnd1024NamingItsKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HeraldProperties.Limits(org.springframework.util.unit.DataSize.ofMegabytes(2),
					org.springframework.util.unit.DataSize.ofKilobytes(8), 64, 1000,
					org.springframework.util.unit.DataSize.ofMegabytes(4), java.time.Duration.ofSeconds(10), 1000, 1000,
					100000, 1000, 10000, org.springframework.util.unit.DataSize.ofMegabytes(16),
					java.time.Duration.ofSeconds(5), 0, null))
			.withMessage("herald.limits.max-destination-segments must be between 1 and 1024, was '0'");
	}

}
