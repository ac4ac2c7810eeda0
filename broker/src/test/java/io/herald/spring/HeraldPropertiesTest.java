package io.herald.spring;

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

}
