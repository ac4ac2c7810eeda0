package io.herald.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.routing.Destination;
import io.herald.routing.Message;
import io.herald.routing.Upstream;
import io.herald.support.BrokerHarness;
import io.herald.support.StompClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A queue SEND whose store is confirmed later (the cluster's RabbitMQ): its RECEIPT, and
 * every RECEIPT after it, waits for the confirmation; a refusal is an ERROR naming it.
 */
class SessionConfirmTest {

	private final BrokerHarness harness = BrokerHarness.create();

	/** The stores handed upstream, in order, each completed by the test. */
	private final List<CompletableFuture<String>> stores = new ArrayList<>();

	@BeforeEach
	void queuesGoUpstream() {
		queuesGoTo(() -> {
			CompletableFuture<String> store = new CompletableFuture<>();
			this.stores.add(store);
			return store;
		});
	}

	/** The router's queue SENDs go upstream, each stored as {@code store} says. */
	private void queuesGoTo(Supplier<CompletionStage<String>> store) {
		this.harness.broker().router().upstream(new Upstream() {
			@Override
			public boolean carriesQueues() {
				return true;
			}

			@Override
			public CompletionStage<String> enqueue(Destination destination, Message message) {
				return store.get();
			}

			@Override
			public void published(Destination destination, Message message) {
			}
		});
	}

	@Test
	void aQueueSendsReceiptAndTheReceiptsAfterItWaitForItsConfirmation() {
		StompClient client = this.harness.connect();
		client.publish("/queue/jobs", "1", "receipt", "q1");
		client.publish("/topic/news", "x", "receipt", "t1");
		client.send(Command.SUBSCRIBE, "id", "s", "destination", "/topic/other", "receipt", "sub");
		assertThat(client.drain()).as("nothing is confirmed before RabbitMQ confirms the store").isEmpty();
		this.stores.get(0).complete(null);
		assertThat(client.drain()).extracting((frame) -> frame.header("receipt-id")).containsExactly("q1", "t1", "sub");
		client.publish("/topic/news", "y", "receipt", "t2");
		client.expectReceipt("t2");
	}

	@Test
	void confirmationsOutOfOrderStillReleaseReceiptsInTheOrderOfTheFrames() {
		StompClient client = this.harness.connect();
		client.publish("/queue/jobs", "1", "receipt", "q1");
		client.publish("/queue/jobs", "2", "receipt", "q2");
		this.stores.get(1).complete(null);
		assertThat(client.drain()).isEmpty();
		this.stores.get(0).complete(null);
		assertThat(client.drain()).extracting((frame) -> frame.header("receipt-id")).containsExactly("q1", "q2");
	}

	@Test
	void aStoreRabbitRefusesEndsTheSessionWithAnErrorNamingTheSendsReceipt() {
		StompClient client = this.harness.connect();
		client.publish("/queue/jobs", "1", "receipt", "q1");
		client.publish("/topic/news", "x", "receipt", "t1");
		this.stores.get(0).complete("cannot store /queue/jobs: RabbitMQ refused to store it; nothing was stored");
		Frame error = client.expectError();
		assertThat(error.header("receipt-id")).isEqualTo("q1");
		assertThat(error.header("message")).contains("RabbitMQ refused to store it");
		assertThat(client.session().closeReason()).isEqualTo(CloseReason.NOT_STORED);
		client.expectNothingMore();
	}

	@Test
	void aStoreThatFailsWithoutAReceiptIsAnErrorToo() {
		StompClient client = this.harness.connect();
		client.publish("/queue/jobs", "1");
		this.stores.get(0).completeExceptionally(new IllegalStateException("link gone"));
		assertThat(client.expectError().header("message")).contains("link gone");
	}

	@Test
	void disconnectWaitsForTheConfirmationsBeforeItAndIgnoresWhatFollows() {
		StompClient client = this.harness.connect();
		client.publish("/queue/jobs", "1");
		client.send(Command.DISCONNECT, "receipt", "bye");
		client.publish("/queue/jobs", "after DISCONNECT");
		assertThat(client.drain()).isEmpty();
		assertThat(client.session().isOpen()).isTrue();
		this.stores.get(0).complete(null);
		client.expectReceipt("bye");
		assertThat(client.session().closeReason()).isEqualTo(CloseReason.CLIENT_DISCONNECT);
		assertThat(this.stores).as("nothing after DISCONNECT is handled").hasSize(1);
	}

	@Test
	void aCommitsReceiptWaitsForEveryQueueSendItPublished() {
		StompClient client = this.harness.connect();
		client.send(Command.BEGIN, "transaction", "t");
		client.publish("/queue/a", "1", "transaction", "t");
		client.publish("/queue/b", "2", "transaction", "t");
		client.send(Command.COMMIT, "transaction", "t", "receipt", "c");
		assertThat(this.stores).hasSize(2);
		this.stores.get(0).complete(null);
		assertThat(client.drain()).isEmpty();
		this.stores.get(1).complete(null);
		client.expectReceipt("c");
	}

	@Test
	void aStoreConfirmedAtOnceIsReceiptedAtOnce() {
		StompClient client = this.harness.connect();
		queuesGoTo(() -> CompletableFuture.completedStage(null));
		client.publish("/queue/jobs", "1", "receipt", "q1");
		client.expectReceipt("q1");
	}

}
