package io.herald.testclient;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A STOMP frame as the tests see it: a command, headers in wire order (repeats kept) and
 * a body. Built fluently for sending; parsed frames also tell whether they arrived in a
 * binary WebSocket message.
 */
public final class StompFrame {

	private final String command;

	private final List<String[]> headers = new ArrayList<>();

	private byte[] body = new byte[0];

	private boolean contentLength = true;

	private final boolean binaryMessage;

	private StompFrame(String command, boolean binaryMessage) {
		this.command = command;
		this.binaryMessage = binaryMessage;
	}

	/** A frame to send. */
	public static StompFrame create(String command) {
		return new StompFrame(command, false);
	}

	static StompFrame parsed(String command, List<String[]> headers, byte[] body, boolean binaryMessage) {
		StompFrame frame = new StompFrame(command, binaryMessage);
		frame.headers.addAll(headers);
		frame.body = body;
		return frame;
	}

	public StompFrame header(String name, String value) {
		this.headers.add(new String[] { name, value });
		return this;
	}

	public StompFrame body(String text) {
		return body(text.getBytes(StandardCharsets.UTF_8));
	}

	public StompFrame body(byte[] bytes) {
		this.body = bytes;
		return this;
	}

	/**
	 * Leaves out the {@code content-length} header the encoder adds to a non-empty body.
	 */
	public StompFrame withoutContentLength() {
		this.contentLength = false;
		return this;
	}

	public String command() {
		return this.command;
	}

	/**
	 * The first value of the header, or {@code null} (STOMP 1.2 "Repeated Header
	 * Entries").
	 */
	public String header(String name) {
		for (String[] header : this.headers) {
			if (header[0].equals(name)) {
				return header[1];
			}
		}
		return null;
	}

	public List<String> headerValues(String name) {
		List<String> values = new ArrayList<>();
		for (String[] header : this.headers) {
			if (header[0].equals(name)) {
				values.add(header[1]);
			}
		}
		return values;
	}

	/** Every header in wire order, repeats included. */
	public List<Map.Entry<String, String>> headers() {
		List<Map.Entry<String, String>> all = new ArrayList<>(this.headers.size());
		for (String[] header : this.headers) {
			all.add(Map.entry(header[0], header[1]));
		}
		return all;
	}

	public List<String> headerNames() {
		List<String> names = new ArrayList<>();
		for (String[] header : this.headers) {
			names.add(header[0]);
		}
		return names;
	}

	public byte[] body() {
		return this.body;
	}

	public String bodyText() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	/** Whether the frame arrived in a binary WebSocket message. */
	public boolean arrivedAsBinary() {
		return this.binaryMessage;
	}

	/** Encodes with STOMP 1.1/1.2 header escaping (never for CONNECT and STOMP). */
	public byte[] encode() {
		return encode(true);
	}

	public byte[] encode(boolean escapeHeaders) {
		boolean escape = escapeHeaders && !this.command.equals("CONNECT") && !this.command.equals("STOMP");
		ByteArrayOutputStream out = new ByteArrayOutputStream(64 + this.body.length);
		out.writeBytes((this.command + "\n").getBytes(StandardCharsets.UTF_8));
		for (String[] header : this.headers) {
			String line = (escape ? escape(header[0]) : header[0]) + ":" + (escape ? escape(header[1]) : header[1])
					+ "\n";
			out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
		}
		if (this.contentLength && this.body.length > 0 && header("content-length") == null) {
			out.writeBytes(("content-length:" + this.body.length + "\n").getBytes(StandardCharsets.UTF_8));
		}
		out.write('\n');
		out.writeBytes(this.body);
		out.write(0);
		return out.toByteArray();
	}

	static String escape(String value) {
		StringBuilder sb = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '\\' -> sb.append("\\\\");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case ':' -> sb.append("\\c");
				default -> sb.append(c);
			}
		}
		return sb.toString();
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder(this.command).append(' ');
		for (String[] header : this.headers) {
			sb.append(header[0]).append('=').append(header[1]).append(", ");
		}
		String text = bodyText();
		return sb.append("body(")
			.append(this.body.length)
			.append(")=")
			.append((text.length() > 80) ? text.substring(0, 80) + "..." : text)
			.toString();
	}

}
