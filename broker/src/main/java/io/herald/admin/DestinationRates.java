package io.herald.admin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.herald.routing.DestinationInfo;

/**
 * Messages per second in and out of each destination, from the destinations' running
 * counts sampled once a second ({@link #sample}, on the broker's timer). Holds one entry
 * per destination in use; destinations that went away drop out at the next sample.
 */
public final class DestinationRates {

	private static final double[] NONE = { 0, 0 };

	private Map<String, long[]> counts = Map.of();

	private long sampledAt;

	private volatile Map<String, double[]> rates = Map.of();

	/** Takes the destinations' counts at {@code nanos}; called once a second. */
	public synchronized void sample(List<DestinationInfo> destinations, long nanos) {
		Map<String, long[]> now = new HashMap<>(destinations.size() * 2);
		Map<String, double[]> perSecond = new HashMap<>(destinations.size() * 2);
		double seconds = (nanos - this.sampledAt) / 1e9;
		for (DestinationInfo destination : destinations) {
			now.put(destination.name(), new long[] { destination.published(), destination.delivered() });
			long[] before = this.counts.get(destination.name());
			if (before != null && seconds > 0) {
				perSecond.put(destination.name(),
						new double[] { Math.max(0, destination.published() - before[0]) / seconds,
								Math.max(0, destination.delivered() - before[1]) / seconds });
			}
		}
		this.counts = now;
		this.sampledAt = nanos;
		this.rates = perSecond;
	}

	/** Messages in and out per second over the last second; zeros when not known yet. */
	double[] of(String destination) {
		return this.rates.getOrDefault(destination, NONE);
	}

}
