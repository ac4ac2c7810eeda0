package io.herald.it;

import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.herald.it.support.HeraldExtension;
import io.herald.it.support.HeraldServer;
import io.herald.testclient.StompConnection;
import io.herald.testclient.StompFrame;
import io.herald.testclient.Transport;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.springframework.web.socket.sockjs.client.SockJsClient;
import org.springframework.web.socket.sockjs.client.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring's own {@link WebSocketStompClient} works against Herald, over WebSocket and over
 * SockJS: connect, subscribe and send with receipts, custom headers, JSON payloads
 * through Jackson and client acknowledgements.
 */
class SpringStompClientIT {

	private static final long WAIT_SECONDS = StompConnection.WAIT.toSeconds();

	@RegisterExtension
	static final HeraldExtension server = HeraldExtension.withArgs();

	private static ThreadPoolTaskScheduler scheduler;

	private static WebSocketStompClient client;

	record Tick(String symbol, double bid, long sequence) {
	}

	@BeforeAll
	static void startClient() {
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(2);
		scheduler.setThreadNamePrefix("it-stomp-");
		scheduler.initialize();
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(1024 * 1024);
		client = new WebSocketStompClient(new StandardWebSocketClient(container));
		client.setMessageConverter(new CompositeMessageConverter(
				List.of(new StringMessageConverter(), new JacksonJsonMessageConverter())));
		client.setTaskScheduler(scheduler);
		client.setReceiptTimeLimit(StompConnection.WAIT.toMillis());
	}

	@AfterAll
	static void stopClient() {
		if (scheduler != null) {
			scheduler.shutdown();
		}
	}

	private static StompSession connect(StompHeaders connectHeaders) throws Exception {
		return connect(connectHeaders, new CompletableFuture<>());
	}

	private static StompSession connect(StompHeaders connectHeaders, CompletableFuture<StompHeaders> connected)
			throws Exception {
		CompletableFuture<StompSession> session = client.connectAsync(server.webSocketUri(), new WebSocketHttpHeaders(),
				connectHeaders, new StompSessionHandlerAdapter() {

					@Override
					public void afterConnected(StompSession session, StompHeaders headers) {
						connected.complete(headers);
					}

				});
		StompSession stompSession = session.get(WAIT_SECONDS, TimeUnit.SECONDS);
		stompSession.setAutoReceipt(true);
		return stompSession;
	}

	private static void awaitReceipt(StompSession.Receiptable receiptable) throws InterruptedException {
		CountDownLatch latch = new CountDownLatch(1);
		StringBuilder failure = new StringBuilder();
		receiptable.addReceiptTask(latch::countDown);
		receiptable.addReceiptLostTask(() -> {
			failure.append("receipt lost");
			latch.countDown();
		});
		assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("receipt %s", receiptable.getReceiptId()).isTrue();
		assertThat(failure).isEmpty();
	}

	@Test
	void connectsWithStomp12AndHeartBeats() throws Exception {
		CompletableFuture<StompHeaders> connected = new CompletableFuture<>();
		StompSession session = connect(new StompHeaders(), connected);
		try {
			assertThat(session.isConnected()).isTrue();
			StompHeaders headers = connected.get(WAIT_SECONDS, TimeUnit.SECONDS);
			assertThat(headers.getFirst("version")).isEqualTo("1.2");
			assertThat(headers.getFirst("server")).startsWith("Herald/");
			assertThat(headers.getHeartbeat()).containsExactly(10_000, 10_000);
		}
		finally {
			session.disconnect();
		}
	}

	@Test
	void jsonPayloadsAndCustomHeadersRoundTrip() throws Exception {
		String topic = "/topic/" + HeraldServer.unique("spring.ticks");
		BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
		StompHeaders login = new StompHeaders();
		login.setLogin("spring-user");
		StompSession session = connect(login);
		try {
			StompSession.Subscription subscription = session.subscribe(topic, new StompFrameHandler() {

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return Tick.class;
				}

				@Override
				public void handleFrame(StompHeaders headers, Object payload) {
					received.add(new Object[] { headers, payload });
				}

			});
			awaitReceipt(subscription);

			// a fresh StompHeaders per send: auto-receipt writes its receipt id into them
			awaitReceipt(session.send(tickHeaders(topic), new Tick("AAPL", 189.5, 1)));
			awaitReceipt(session.send(tickHeaders(topic), new Tick("MSFT", 410.25, 2)));

			Object[] first = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
			Object[] second = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
			assertThat(first).as("first message").isNotNull();
			assertThat(second).as("second message").isNotNull();
			assertThat(first[1]).isEqualTo(new Tick("AAPL", 189.5, 1));
			assertThat(second[1]).isEqualTo(new Tick("MSFT", 410.25, 2));
			StompHeaders firstHeaders = (StompHeaders) first[0];
			assertThat(firstHeaders.getFirst("x-source")).isEqualTo("spring-client");
			assertThat(firstHeaders.getContentType()).hasToString("application/json");
			assertThat(firstHeaders.getDestination()).isEqualTo(topic);
			assertThat(firstHeaders.getSubscription()).isEqualTo(subscription.getSubscriptionId());

			subscription.unsubscribe();
		}
		finally {
			session.disconnect();
		}
	}

	private static StompHeaders tickHeaders(String destination) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.add("x-source", "spring-client");
		return headers;
	}

	@Test
	void rawClientsSeeWhatSpringSendsAndViceVersa() throws Exception {
		String queue = "/queue/" + HeraldServer.unique("spring-interop");
		StompSession session = connect(new StompHeaders());
		try (StompConnection raw = Transport.TCP.connect(server)) {
			raw.subscribe(queue, "raw");
			StompHeaders headers = new StompHeaders();
			headers.setDestination(queue);
			awaitReceipt(session.send(headers, new Tick("IBM", 1.5, 7)));
			StompFrame message = raw.receive("MESSAGE");
			assertThat(message.header("content-type")).isEqualTo("application/json");
			assertThat(message.bodyText()).contains("\"symbol\":\"IBM\"").contains("\"sequence\":7");
		}
		finally {
			session.disconnect();
		}
	}

	@Test
	void clientAcknowledgementFromSpring() throws Exception {
		String queue = "/queue/" + HeraldServer.unique("spring-ack");
		BlockingQueue<StompHeaders> received = new LinkedBlockingQueue<>();
		StompSession session = connect(new StompHeaders());
		try {
			StompHeaders subscribeHeaders = new StompHeaders();
			subscribeHeaders.setDestination(queue);
			subscribeHeaders.setAck("client-individual");
			StompSession.Subscription subscription = session.subscribe(subscribeHeaders, new StompFrameHandler() {

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return String.class;
				}

				@Override
				public void handleFrame(StompHeaders headers, Object payload) {
					received.add(headers);
				}

			});
			awaitReceipt(subscription);
			StompHeaders headers = new StompHeaders();
			headers.setDestination(queue);
			headers.setContentType(org.springframework.util.MimeTypeUtils.TEXT_PLAIN);
			awaitReceipt(session.send(headers, "please ack"));
			StompHeaders message = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
			assertThat(message).isNotNull();
			assertThat(message.getAck()).isNotBlank();
			awaitReceipt(session.acknowledge(message.getAck(), true));
		}
		finally {
			session.disconnect();
		}
		// acknowledged: nothing is redelivered to the next consumer
		try (StompConnection next = Transport.TCP.connect(server)) {
			next.subscribe(queue, "n");
			next.publish(queue, "fence");
			assertThat(next.receive("MESSAGE").bodyText()).isEqualTo("fence");
		}
	}

	@Test
	void springClientOverSockJs() throws Exception {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(1024 * 1024);
		WebSocketStompClient sockJsStomp = new WebSocketStompClient(
				new SockJsClient(List.of(new WebSocketTransport(new StandardWebSocketClient(container)))));
		sockJsStomp.setMessageConverter(new CompositeMessageConverter(
				List.of(new StringMessageConverter(), new JacksonJsonMessageConverter())));
		sockJsStomp.setTaskScheduler(scheduler);
		String topic = "/topic/" + HeraldServer.unique("spring-sockjs");
		BlockingQueue<Tick> received = new LinkedBlockingQueue<>();
		StompSession session = sockJsStomp.connectAsync(server.sockJsUri().toString(), new WebSocketHttpHeaders(),
				new StompHeaders(), new StompSessionHandlerAdapter() {
				})
			.get(WAIT_SECONDS, TimeUnit.SECONDS);
		session.setAutoReceipt(true);
		try {
			awaitReceipt(session.subscribe(topic, new StompFrameHandler() {

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return Tick.class;
				}

				@Override
				public void handleFrame(StompHeaders headers, Object payload) {
					received.add((Tick) payload);
				}

			}));
			awaitReceipt(session.send(tickHeaders(topic), new Tick("SOCKJS", 3.25, 9)));
			assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Tick("SOCKJS", 3.25, 9));
		}
		finally {
			session.disconnect();
		}
	}

}
