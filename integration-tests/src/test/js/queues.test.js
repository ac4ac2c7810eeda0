import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Inbox, LONG_WAIT_MS, connect, unique } from './lib/stomp-support.js';

const bodies = (messages) => messages.map((message) => message.body);

/**
 * Subscribes a fresh consumer, publishes a marker and returns everything the consumer got
 * up to and including the marker: what was left in the queue comes before it.
 */
async function drain(t, destination) {
  const consumer = await connect(t);
  const { inbox } = await consumer.subscribed(destination, { ack: 'auto' });
  const marker = unique('marker');
  await consumer.published({ destination, body: marker });
  const messages = await consumer.guard(
    inbox.until((message) => message.body === marker),
    5000,
    `marker on ${destination}`,
  );
  await consumer.disconnect();
  return messages.slice(0, -1);
}

test('client-individual: ack() removes, nack() redelivers with redelivered:true', async (t) => {
  const publisher = await connect(t);
  const consumer = await connect(t);
  const destination = `/queue/${unique('ack')}`;
  const { subscription, inbox } = await consumer.subscribed(destination, { ack: 'client-individual' });

  for (const body of ['m1', 'm2', 'm3']) {
    publisher.client.publish({ destination, body });
  }
  const [m1, m2, m3] = await consumer.guard(inbox.take(3), 5000, 'three queue messages');
  assert.deepEqual(bodies([m1, m2, m3]), ['m1', 'm2', 'm3']);
  for (const message of [m1, m2, m3]) {
    assert.ok(message.headers.ack, 'MESSAGE carries an ack header in client-individual mode');
    assert.equal(message.headers.subscription, subscription.id);
    assert.equal(message.headers.destination, destination);
    assert.notEqual(message.headers.redelivered, 'true', 'first delivery is not marked redelivered');
  }
  assert.equal(new Set([m1, m2, m3].map((message) => message.headers.ack)).size, 3, 'distinct ack ids');

  // Acknowledge out of order: individual acks must not be cumulative.
  await consumer.receipt((receipt) => m3.ack({ receipt }), 'ACK m3');
  await consumer.receipt((receipt) => m2.nack({ receipt }), 'NACK m2');

  const redelivered = await consumer.guard(inbox.next(), 5000, 'redelivery of m2');
  assert.equal(redelivered.body, 'm2');
  assert.equal(redelivered.headers.redelivered, 'true');
  assert.ok(redelivered.headers.ack);
  await consumer.receipt((receipt) => redelivered.ack({ receipt }), 'ACK redelivered m2');

  // m1 was never acknowledged: it comes back once this consumer goes away.
  await consumer.disconnect();
  const left = await drain(t, destination);
  assert.deepEqual(bodies(left), ['m1'], 'only the unacknowledged m1 is left');
  assert.equal(left[0].headers.redelivered, 'true');
});

test('unacknowledged messages go to the next consumer after the first one drops', async (t) => {
  const publisher = await connect(t);
  const first = await connect(t);
  const destination = `/queue/${unique('crash')}`;
  const { inbox } = await first.subscribed(destination, { ack: 'client-individual' });
  await publisher.published({ destination, body: 'precious' });
  const delivered = await first.guard(inbox.next(), 5000, 'first delivery');
  assert.equal(delivered.body, 'precious');

  await first.drop();

  const second = await connect(t);
  const other = await second.subscribed(destination, { ack: 'client-individual' });
  const again = await second.guard(other.inbox.next(), 5000, 'redelivery to the second consumer');
  assert.equal(again.body, 'precious');
  assert.equal(again.headers.redelivered, 'true');
  await second.receipt((receipt) => again.ack({ receipt }), 'ACK');
  await second.disconnect();
  assert.deepEqual(bodies(await drain(t, destination)), [], 'nothing left after the ACK');
});

test('unacknowledged messages are redelivered after UNSUBSCRIBE', async (t) => {
  const consumer = await connect(t);
  const destination = `/queue/${unique('unsub-redeliver')}`;
  const first = await consumer.subscribed(destination, { ack: 'client-individual' });
  await consumer.published({ destination, body: 'pending' });
  const delivered = await consumer.guard(first.inbox.next(), 5000, 'first delivery');
  assert.equal(delivered.body, 'pending');

  await consumer.receipt((receipt) => first.subscription.unsubscribe({ receipt }), 'UNSUBSCRIBE');
  const second = await consumer.subscribed(destination, { ack: 'client-individual' });
  const again = await consumer.guard(second.inbox.next(), 5000, 'redelivery to the new subscription');
  assert.equal(again.body, 'pending');
  assert.equal(again.headers.redelivered, 'true');
  assert.equal(again.headers.subscription, second.subscription.id);
  assert.equal(first.inbox.size, 1, 'nothing more for the old subscription');
});

test('client mode: ACK is cumulative', async (t) => {
  const consumer = await connect(t);
  const destination = `/queue/${unique('cumulative')}`;
  const { inbox } = await consumer.subscribed(destination, { ack: 'client' });
  for (const body of ['c1', 'c2', 'c3', 'c4']) {
    consumer.client.publish({ destination, body });
  }
  const messages = await consumer.guard(inbox.take(4), 5000, 'four queue messages');
  assert.deepEqual(bodies(messages), ['c1', 'c2', 'c3', 'c4']);
  assert.ok(messages.every((message) => message.headers.ack), 'ack header in client mode');

  await consumer.receipt((receipt) => messages[2].ack({ receipt }), 'ACK c3');
  await consumer.disconnect();

  const left = await drain(t, destination);
  assert.deepEqual(bodies(left), ['c4'], 'ACK of c3 also acknowledged c1 and c2');
  assert.equal(left[0].headers.redelivered, 'true');
});

test('queue buffers while nobody is subscribed and keeps 1,000 messages in order', async (t) => {
  const publisher = await connect(t);
  const destination = `/queue/${unique('buffer')}`;
  for (let i = 0; i < 999; i++) {
    publisher.client.publish({ destination, body: String(i) });
  }
  await publisher.published({ destination, body: '999' }, LONG_WAIT_MS);

  const consumer = await connect(t);
  const { inbox } = await consumer.subscribed(destination);
  const messages = await consumer.guard(inbox.take(1000, LONG_WAIT_MS), LONG_WAIT_MS, '1000 buffered messages');
  assert.deepEqual(
    messages.map((message) => Number(message.body)),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.equal(messages[0].headers.ack, undefined, 'no ack header in auto mode');
});

test('competing consumers share a queue round robin, each message once', async (t) => {
  const publisher = await connect(t);
  const alice = await connect(t);
  const bob = await connect(t);
  const destination = `/queue/${unique('compete')}`;
  const a = await alice.subscribed(destination);
  const b = await bob.subscribed(destination);

  for (let i = 0; i < 10; i++) {
    publisher.client.publish({ destination, body: `job-${i}` });
  }
  const both = new Inbox('both consumers');
  a.inbox.forwardTo = both;
  b.inbox.forwardTo = both;
  await both.take(10);

  const got = [...bodies(a.inbox.items), ...bodies(b.inbox.items)].sort();
  assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `job-${i}`).sort(), 'each message exactly once');
  assert.equal(a.inbox.size, 5, `round robin: alice got ${bodies(a.inbox.items)}`);
  assert.equal(b.inbox.size, 5, `round robin: bob got ${bodies(b.inbox.items)}`);
  // Each consumer sees its share in publishing order.
  for (const inbox of [a.inbox, b.inbox]) {
    const numbers = inbox.items.map((message) => Number(message.body.slice(4)));
    assert.deepEqual(numbers, [...numbers].sort((x, y) => x - y));
  }
});
