package io.herald.spring;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import org.springframework.messaging.MessageDeliveryException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The in-process template of an app that embeds Herald: objects go out as JSON (Jackson
 * 3) with {@code content-type:application/json}, strings as text, headers as STOMP
 * headers; a refusal is an exception naming it.
 */
class HeraldMessagingTemplateTest {

	private final BrokerHarness harness = BrokerHarness.create();

	private final HeraldMessagingTemplate template = new HeraldMessagingTemplate(this.harness.broker());

	record Tick(String symbol, double bid) {
	}

	@Test
	void anObjectGoesOutAsJsonAndAStringAsText() {
		StompClient subscriber = this.harness.connect();
		subscriber.subscribe("s", "/topic/prices.*", "receipt", "r");
		subscriber.expectReceipt("r");
		this.template.convertAndSend("/topic/prices.AAPL", new Tick("AAPL", 189.5), Map.of("x-source", "pricing"));
		Frame json = subscriber.next(Command.MESSAGE);
		assertThat(json.bodyAsText()).isEqualTo("{\"symbol\":\"AAPL\",\"bid\":189.5}");
		assertThat(json.header("content-type")).isEqualTo("application/json");
		assertThat(json.header("x-source")).isEqualTo("pricing");
		this.template.convertAndSend("/topic/prices.MSFT", "closed");
		Frame text = subscriber.next(Command.MESSAGE);
		assertThat(text.bodyAsText()).isEqualTo("closed");
		assertThat(text.header("content-type")).startsWith("text/plain");
	}

	@Test
	void aRefusedPublishIsAnExceptionNamingWhy() {
		assertThatExceptionOfType(MessageDeliveryException.class)
			.isThrownBy(() -> this.template.convertAndSend("/nowhere", "x"))
			.withMessageContaining("/nowhere");
	}

}
