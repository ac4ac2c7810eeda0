package io.herald.admin;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.herald.memory.MemoryBudget;

/**
 * Health of the memory budget: {@code OUT_OF_SERVICE} while the alarm refuses publishing,
 * so a load balancer's readiness check takes the node out until it recovers by itself.
 */
public final class MemoryAlarmHealthIndicator implements HealthIndicator {

	private final MemoryBudget memory;

	public MemoryAlarmHealthIndicator(MemoryBudget memory) {
		this.memory = memory;
	}

	@Override
	public Health health() {
		Health.Builder builder = this.memory.isAlarmed() ? Health.outOfService() : Health.up();
		return builder.withDetail("usedBytes", this.memory.usedBytes())
			.withDetail("maxBytes", this.memory.maxBytes())
			.withDetail("lowBytes", this.memory.lowBytes())
			.build();
	}

}
