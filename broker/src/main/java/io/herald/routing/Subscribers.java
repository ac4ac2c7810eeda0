package io.herald.routing;

import java.util.Arrays;

/**
 * Copy-on-write arrays of subscribers, the form every fan-out reads: a publisher iterates
 * a plain array it read once (volatile), while writers, serialised by their owner,
 * replace the array. Identity decides sameness: each subscriber is one STOMP
 * subscription.
 */
final class Subscribers {

	static final Subscriber[] NONE = new Subscriber[0];

	private Subscribers() {
	}

	/** A copy of the array with the subscriber appended. */
	static Subscriber[] with(Subscriber[] current, Subscriber subscriber) {
		Subscriber[] grown = Arrays.copyOf(current, current.length + 1);
		grown[current.length] = subscriber;
		return grown;
	}

	/**
	 * A copy without the first occurrence of the subscriber; the same array if absent.
	 */
	static Subscriber[] without(Subscriber[] current, Subscriber subscriber) {
		int index = indexOf(current, subscriber);
		if (index < 0) {
			return current;
		}
		if (current.length == 1) {
			return NONE;
		}
		Subscriber[] shrunk = new Subscriber[current.length - 1];
		System.arraycopy(current, 0, shrunk, 0, index);
		System.arraycopy(current, index + 1, shrunk, index, current.length - index - 1);
		return shrunk;
	}

	static int indexOf(Subscriber[] subscribers, Subscriber subscriber) {
		for (int i = 0; i < subscribers.length; i++) {
			if (subscribers[i] == subscriber) {
				return i;
			}
		}
		return -1;
	}

}
