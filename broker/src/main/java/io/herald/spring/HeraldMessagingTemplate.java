package io.herald.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.core.AbstractMessageSendingTemplate;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;
import org.springframework.util.MimeType;

import io.herald.protocol.Headers;
import io.herald.routing.DestinationException;
import io.herald.routing.PublishResult;
import io.herald.session.Broker;

/**
 * Lets a Spring application that embeds Herald publish in its own vocabulary:
 * {@code template.convertAndSend("/topic/prices.AAPL", tick)}. Strings go as text, byte
 * arrays as they are, other objects as JSON with Jackson 3
 * ({@code content-type:application/json}); the headers given travel as STOMP headers. A
 * publish Herald refuses (a bad destination, a full queue, the memory alarm) throws
 * {@link MessageDeliveryException} naming why.
 */
public final class HeraldMessagingTemplate extends AbstractMessageSendingTemplate<String> {

	private final Broker broker;

	public HeraldMessagingTemplate(Broker broker) {
		this.broker = broker;
		setMessageConverter(new CompositeMessageConverter(List.of(new StringMessageConverter(),
				new ByteArrayMessageConverter(), new JacksonJsonMessageConverter())));
	}

	/**
	 * Headers given to {@code convertAndSend} are STOMP headers for subscribers, as with
	 * Spring's {@code SimpMessagingTemplate}; a map that already holds native headers is
	 * taken as it is.
	 */
	@Override
	protected Map<String, Object> processHeadersToSend(Map<String, Object> headers) {
		if (headers == null || headers.containsKey(NativeMessageHeaderAccessor.NATIVE_HEADERS)) {
			return headers;
		}
		Map<String, List<String>> stomp = new LinkedHashMap<>();
		headers.forEach((name, value) -> {
			if (value != null) {
				stomp.put(name, List.of(value.toString()));
			}
		});
		return Map.of(NativeMessageHeaderAccessor.NATIVE_HEADERS, stomp);
	}

	@Override
	protected void doSend(String destination, Message<?> message) {
		if (!(message.getPayload() instanceof byte[] body)) {
			throw new MessageDeliveryException(message,
					"payload must be converted to byte[] before sending, was " + message.getPayload().getClass());
		}
		Headers.Builder headers = Headers.builder();
		Object contentType = message.getHeaders().get(MessageHeaders.CONTENT_TYPE);
		if (contentType instanceof MimeType mimeType) {
			headers.add("content-type", mimeType.toString());
		}
		else if (contentType != null) {
			headers.add("content-type", contentType.toString());
		}
		Object nativeHeaders = message.getHeaders().get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
		if (nativeHeaders instanceof Map<?, ?> map) {
			map.forEach((name, values) -> {
				if (values instanceof List<?> list && !list.isEmpty() && !"content-type".equals(name)) {
					headers.add(String.valueOf(name), String.valueOf(list.get(0)));
				}
			});
		}
		PublishResult result;
		try {
			result = this.broker.publish(destination, headers.build(), body);
		}
		catch (DestinationException ex) {
			throw new MessageDeliveryException(message, ex.getMessage(), ex);
		}
		if (!result.accepted()) {
			throw new MessageDeliveryException(message, result.refusal());
		}
		// a cluster queue's message: returns once RabbitMQ has it
		String notStored = result.awaitStored();
		if (notStored != null) {
			throw new MessageDeliveryException(message, notStored);
		}
	}

}
