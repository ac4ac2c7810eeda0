package io.herald.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;

import io.herald.protocol.Headers;
import io.herald.protocol.Utf8;
import io.herald.routing.Message;

/** What the links to RabbitMQ share: AMQP's limits, the messages' mapping, faults. */
final class Amqp {

	private static final Logger logger = Logger.getLogger(Amqp.class.getName());

	/** Most bytes of an AMQP short string: a routing key, a header name, a message id. */
	private static final int MAX_SHORT_STRING = 255;

	/** Headers the nodes add for each other, never shown to clients. */
	static final String INTERNAL_PREFIX = "x-herald-cluster-";

	private Amqp() {
	}

	/** Whether a text fits an AMQP short string (a routing key, a header name). */
	static boolean fits(String text) {
		// a char takes at most three UTF-8 bytes (four for a pair of two chars)
		return text.length() * 3 <= MAX_SHORT_STRING
				|| text.getBytes(StandardCharsets.UTF_8).length <= MAX_SHORT_STRING;
	}

	/** A message's headers as an AMQP table (mutable: the caller may add to it). */
	static Map<String, Object> headers(Message message) {
		Map<String, Object> headers = new LinkedHashMap<>();
		message.headers().forEach(headers::put);
		return headers;
	}

	/**
	 * A delivery as the message subscribers see, shown as sent to {@code destination}:
	 * without the headers the nodes add for each other.
	 */
	static Message inbound(Delivery delivery, String destination) {
		AMQP.BasicProperties properties = delivery.getProperties();
		Headers.Builder headers = Headers.builder();
		if (properties.getHeaders() != null) {
			properties.getHeaders().forEach((name, value) -> {
				if (!name.startsWith(INTERNAL_PREFIX)) {
					headers.add(name, String.valueOf(value));
				}
			});
		}
		byte[] body = delivery.getBody();
		return new Message(destination, headers.build(), body, properties.getMessageId(), !Utf8.isValid(body));
	}

	/** Closes a channel without waiting for RabbitMQ's answer. */
	static void abort(Channel channel) {
		try {
			channel.abort();
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.FINE, "cluster: aborting a channel", ex);
		}
	}

	/** What RabbitMQ said, from the exception or signal that carries it. */
	static String reason(Throwable failure) {
		Throwable cause = failure;
		while (cause != null && !(cause instanceof ShutdownSignalException)) {
			cause = cause.getCause();
		}
		if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof AMQP.Channel.Close close) {
			return close.getReplyText();
		}
		if (cause instanceof ShutdownSignalException signal
				&& signal.getReason() instanceof AMQP.Connection.Close close) {
			return close.getReplyText();
		}
		return String.valueOf(failure.getMessage());
	}

}
