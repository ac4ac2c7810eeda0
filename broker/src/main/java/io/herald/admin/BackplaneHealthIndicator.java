package io.herald.admin;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.herald.cluster.Backplane;

/**
 * Health of the cluster link: DOWN while a clustered node cannot reach RabbitMQ (it still
 * serves its local clients, but a load balancer should send new ones to a node that
 * reaches the others); UP for a node alone. Part of the readiness group.
 */
public final class BackplaneHealthIndicator implements HealthIndicator {

	private final Backplane backplane;

	public BackplaneHealthIndicator(Backplane backplane) {
		this.backplane = backplane;
	}

	@Override
	public Health health() {
		Backplane.Status status = this.backplane.status();
		Health.Builder builder = status.connected() ? Health.up() : Health.down();
		return builder.withDetail("mode", status.mode())
			.withDetail("detail", status.detail())
			.withDetail("patterns", status.patterns())
			.withDetail("published", status.published())
			.withDetail("received", status.received())
			.withDetail("dropped", status.dropped())
			.build();
	}

}
