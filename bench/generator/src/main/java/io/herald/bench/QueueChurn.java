package io.herald.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The queue consumers of the soak coming and going: one leaves per turn, the three ways
 * in rotation (DISCONNECT, UNSUBSCRIBE, closing the socket), holding whatever it has not
 * acknowledged yet, and a new one joins the same queue. An UNSUBSCRIBEd connection stays
 * open until the next turn closes it, so that the broker has to hand its messages back on
 * UNSUBSCRIBE alone.
 *
 * <p>
 * Turns are taken by the scenario thread; the consumer lists are only touched on the
 * {@link Load}'s event loop.
 */
final class QueueChurn {

	private static final List<String> WAYS = List.of("disconnect", "unsubscribe", "socket_close");

	private final Load load;

	private final QueueLedger ledger;

	private final List<List<StompConnection>> consumers;

	private final long openTimeoutMillis;

	private final Random random = new Random(7);

	private final long[] left = new long[WAYS.size()];

	private long joined;

	private int turns;

	private StompConnection unsubscribed;

	/**
	 * @param consumers the current consumers of each queue, by queue index; changed here
	 * @param openTimeoutMillis longest wait for a joining consumer to be subscribed
	 */
	QueueChurn(Load load, QueueLedger ledger, List<List<StompConnection>> consumers, long openTimeoutMillis) {
		this.load = load;
		this.ledger = ledger;
		this.consumers = consumers;
		this.openTimeoutMillis = openTimeoutMillis;
	}

	void turn() throws Exception {
		int q = this.random.nextInt(this.consumers.size());
		int way = this.turns++ % WAYS.size();
		StompConnection joining = this.load.call(() -> {
			if (this.unsubscribed != null) {
				this.unsubscribed.closeSocket();
				this.unsubscribed = null;
			}
			List<StompConnection> members = this.consumers.get(q);
			StompConnection leaving = members.remove(this.random.nextInt(members.size()));
			if (leaving.channel() != null && leaving.channel().isActive()) {
				switch (way) {
					case 0 -> leaving.disconnect();
					case 1 -> {
						leaving.unsubscribe();
						this.unsubscribed = leaving;
					}
					default -> leaving.closeSocket();
				}
				this.left[way]++;
			}
			StompConnection c = this.load.newConnection();
			c.consume(Soak.queueName(q), this.ledger);
			members.add(c);
			return c;
		});
		this.load.openAll(10, this.openTimeoutMillis);
		if (this.load.call(joining::isReady)) {
			this.joined++;
		}
	}

	/** Consumers that joined and became subscribed. */
	long joined() {
		return this.joined;
	}

	/** Consumers that left, by way of leaving. */
	Map<String, Long> left() {
		Map<String, Long> left = new LinkedHashMap<>();
		for (int i = 0; i < WAYS.size(); i++) {
			left.put(WAYS.get(i), this.left[i]);
		}
		return left;
	}

}
