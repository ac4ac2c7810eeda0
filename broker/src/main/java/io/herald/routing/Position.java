package io.herald.routing;

/**
 * Where a subscriber left off in a topic's history: the value of {@code x-herald-since},
 * {@code EPOCH:OFFSET}, as its last MESSAGE's {@code x-herald-epoch} and
 * {@code x-herald-offset} said.
 *
 * @param epoch the history's epoch
 * @param offset the last offset received
 */
public record Position(String epoch, long offset) {

	/**
	 * Reads {@code EPOCH:OFFSET}.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static Position parse(String value) {
		int colon = (value != null) ? value.lastIndexOf(':') : -1;
		if (colon <= 0 || colon == value.length() - 1) {
			throw new IllegalArgumentException(
					"x-herald-since must be EPOCH:OFFSET, as x-herald-epoch and x-herald-offset of the last MESSAGE, was '"
							+ value + "'");
		}
		long offset;
		try {
			offset = Long.parseLong(value.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			offset = -1;
		}
		if (offset < 0) {
			throw new IllegalArgumentException(
					"x-herald-since must end in a whole offset of 0 or more, was '" + value + "'");
		}
		return new Position(value.substring(0, colon), offset);
	}

}
