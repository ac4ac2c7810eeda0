package io.herald.it;

import java.util.ArrayList;
import java.util.List;

import io.herald.it.support.HeraldServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A bad configuration value stops the start with a message naming its key. */
class ConfigValidationIT {

	@ParameterizedTest
	@CsvSource(delimiter = '=', textBlock = """
			herald.tcp.port = 70000
			herald.tcp.port = -2
			herald.limits.outbound-buffer-size = 10B
			herald.limits.max-headers = 0
			herald.limits.connect-timeout = 0s
			herald.heartbeat.send-interval = -1s
			herald.queues.max-length = 0
			herald.routing.match-cache-size = 0
			herald.websocket.path = ws
			herald.cluster.rabbitmq.max-recovery-interval = 100ms
			""")
	void invalidValueStopsTheStartNamingTheKey(String key, String value) {
		Throwable failure = catchThrowable(() -> HeraldServer.start("--" + key + "=" + value).close());
		assertThat(failure).as("start with %s=%s", key, value).isNotNull();
		assertThat(messages(failure)).as("messages of the failure chain").anySatisfy((message) -> {
			assertThat(message).contains(key);
		});
	}

	private static List<String> messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			messages.add(String.valueOf(t.getMessage()));
		}
		return messages;
	}

}
