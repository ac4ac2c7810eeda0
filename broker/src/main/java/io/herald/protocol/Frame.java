package io.herald.protocol;

import java.nio.charset.StandardCharsets;

/**
 * One STOMP frame: a command, its headers and a body of bytes. Immutable.
 */
public final class Frame {

	private static final byte[] NO_BODY = new byte[0];

	private final Command command;

	private final Headers headers;

	private final byte[] body;

	public Frame(Command command, Headers headers, byte[] body) {
		if (command == null) {
			throw new IllegalArgumentException("command must not be null");
		}
		this.command = command;
		this.headers = (headers != null) ? headers : Headers.EMPTY;
		this.body = (body != null) ? body : NO_BODY;
	}

	public Command command() {
		return this.command;
	}

	public Headers headers() {
		return this.headers;
	}

	/** The first value of the named header, or {@code null}. */
	public String header(String name) {
		return this.headers.get(name);
	}

	/** The body; callers must not modify the array. */
	public byte[] body() {
		return this.body;
	}

	public String bodyAsText() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	public static Builder builder(Command command) {
		return new Builder(command);
	}

	@Override
	public String toString() {
		return this.command + " " + this.headers + " (" + this.body.length + " body bytes)";
	}

	/** Builds a frame header by header. */
	public static final class Builder {

		private final Command command;

		private final Headers.Builder headers = Headers.builder();

		private byte[] body;

		private Builder(Command command) {
			this.command = command;
		}

		public Builder header(String name, String value) {
			this.headers.add(name, value);
			return this;
		}

		/** Adds the header only when the value is not {@code null}. */
		public Builder headerIfPresent(String name, String value) {
			if (value != null) {
				this.headers.add(name, value);
			}
			return this;
		}

		public Builder body(byte[] body) {
			this.body = body;
			return this;
		}

		public Builder body(String text) {
			this.body = text.getBytes(StandardCharsets.UTF_8);
			return this;
		}

		public Frame build() {
			return new Frame(this.command, this.headers.build(), this.body);
		}

	}

}
