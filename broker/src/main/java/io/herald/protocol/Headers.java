package io.herald.protocol;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The headers of a frame in wire order. A name may repeat; as STOMP 1.2 ("Repeated Header
 * Entries") requires, {@link #get(String)} answers the first occurrence.
 */
public final class Headers {

	static final Headers EMPTY = new Headers(new String[0], 0);

	private final String[] namesAndValues;

	private final int size;

	private Headers(String[] namesAndValues, int size) {
		this.namesAndValues = namesAndValues;
		this.size = size;
	}

	/** The value of the first header with this name, or {@code null}. */
	public String get(String name) {
		for (int i = 0; i < this.size; i++) {
			if (this.namesAndValues[2 * i].equals(name)) {
				return this.namesAndValues[2 * i + 1];
			}
		}
		return null;
	}

	/** Whether a header of this name is present. */
	public boolean contains(String name) {
		return get(name) != null;
	}

	/** The number of header entries, repeats included. */
	public int size() {
		return this.size;
	}

	public String name(int index) {
		checkIndex(index);
		return this.namesAndValues[2 * index];
	}

	public String value(int index) {
		checkIndex(index);
		return this.namesAndValues[2 * index + 1];
	}

	/** Calls the action for each entry in wire order, repeats included. */
	public void forEach(BiConsumer<String, String> action) {
		for (int i = 0; i < this.size; i++) {
			action.accept(this.namesAndValues[2 * i], this.namesAndValues[2 * i + 1]);
		}
	}

	private void checkIndex(int index) {
		if (index < 0 || index >= this.size) {
			throw new IndexOutOfBoundsException("header index " + index + " out of " + this.size);
		}
	}

	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder("{");
		forEach((n, v) -> sb.append(sb.length() > 1 ? ", " : "").append(n).append('=').append(v));
		return sb.append('}').toString();
	}

	/** Collects header entries in order. */
	public static final class Builder {

		private String[] namesAndValues = new String[16];

		private int size;

		private Builder() {
		}

		public Builder add(String name, String value) {
			if (name == null || value == null) {
				throw new IllegalArgumentException("header name and value must not be null, got " + name + "=" + value);
			}
			if (2 * this.size + 2 > this.namesAndValues.length) {
				this.namesAndValues = Arrays.copyOf(this.namesAndValues, this.namesAndValues.length * 2);
			}
			this.namesAndValues[2 * this.size] = name;
			this.namesAndValues[2 * this.size + 1] = value;
			this.size++;
			return this;
		}

		public int size() {
			return this.size;
		}

		public Headers build() {
			return (this.size == 0) ? EMPTY : new Headers(Arrays.copyOf(this.namesAndValues, 2 * this.size), this.size);
		}

	}

}
