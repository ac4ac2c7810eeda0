import { test } from 'node:test';
import assert from 'node:assert/strict';

import { connect, unique } from './lib/stomp-support.js';

const bodies = (messages) => messages.map((message) => message.body);

test('SENDs in a transaction are delivered on COMMIT, not before', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('tx-commit')}`;
  const { inbox } = await subscriber.subscribed(destination);

  const tx = publisher.client.begin();
  publisher.client.publish({ destination, body: 'tx-1', headers: { transaction: tx.id } });
  publisher.client.publish({ destination, body: 'tx-2', headers: { transaction: tx.id } });
  // Same publisher, same destination, outside the transaction: order is preserved, so had
  // the transactional SENDs been delivered early they would arrive before this one.
  await publisher.published({ destination, body: 'outside' });
  const beforeCommit = await subscriber.guard(
    inbox.until((message) => message.body === 'outside'),
    5000,
    'the non-transactional message',
  );
  assert.deepEqual(bodies(beforeCommit), ['outside'], 'nothing of the transaction before COMMIT');

  tx.commit();
  const committed = await subscriber.guard(inbox.take(2), 5000, 'committed messages');
  assert.deepEqual(bodies(committed), ['tx-1', 'tx-2']);
  assert.equal(publisher.errors.size, 0);
});

test('ABORT discards the SENDs of the transaction', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('tx-abort')}`;
  const { inbox } = await subscriber.subscribed(destination);

  const tx = publisher.client.begin();
  publisher.client.publish({ destination, body: 'aborted-1', headers: { transaction: tx.id } });
  publisher.client.publish({ destination, body: 'aborted-2', headers: { transaction: tx.id } });
  tx.abort();
  await publisher.published({ destination, body: 'after-abort' });

  const received = await subscriber.guard(
    inbox.until((message) => message.body === 'after-abort'),
    5000,
    'the message after ABORT',
  );
  assert.deepEqual(bodies(received), ['after-abort']);

  // The aborted transaction is gone: committing it is an error now.
  publisher.client.commit(tx.id);
  const error = await publisher.errors.next();
  assert.match(error.headers.message ?? '', /unknown transaction/);
});

test('ACK in a committed transaction acknowledges; ACK in an aborted one does not', async (t) => {
  const consumer = await connect(t);
  const destination = `/queue/${unique('tx-ack')}`;
  const { inbox } = await consumer.subscribed(destination, { ack: 'client-individual' });
  await consumer.published({ destination, body: 'keep' });
  await consumer.published({ destination, body: 'done' });
  const [keep, done] = await consumer.guard(inbox.take(2), 5000, 'two queue messages');
  assert.deepEqual(bodies([keep, done]), ['keep', 'done']);

  const aborted = consumer.client.begin();
  keep.ack({ transaction: aborted.id });
  aborted.abort();

  const committed = consumer.client.begin();
  done.ack({ transaction: committed.id });
  committed.commit();
  // The DISCONNECT receipt confirms that the broker has processed every frame before it.
  await consumer.disconnect();

  // Only the message whose ACK was aborted is still unacknowledged and comes back.
  const second = await connect(t);
  const again = await second.subscribed(destination, { ack: 'client-individual' });
  const marker = unique('marker');
  await second.published({ destination, body: marker });
  const left = await second.guard(
    again.inbox.until((message) => message.body === marker),
    5000,
    'marker',
  );
  assert.deepEqual(bodies(left), ['keep', marker]);
  assert.equal(left[0].headers.redelivered, 'true');
});

test('NACK inside a transaction takes effect on COMMIT', async (t) => {
  const consumer = await connect(t);
  const destination = `/queue/${unique('tx-nack')}`;
  const { inbox } = await consumer.subscribed(destination, { ack: 'client-individual' });
  await consumer.published({ destination, body: 'retry-me' });
  const first = await consumer.guard(inbox.next(), 5000, 'first delivery');

  const tx = consumer.client.begin();
  first.nack({ transaction: tx.id });
  // Not redelivered before COMMIT: a later message on the queue comes first.
  await consumer.published({ destination, body: 'later' });
  const beforeCommit = await consumer.guard(inbox.next(), 5000, 'later message');
  assert.equal(beforeCommit.body, 'later');
  beforeCommit.ack();

  tx.commit();
  const redelivered = await consumer.guard(inbox.next(), 5000, 'redelivery after COMMIT');
  assert.equal(redelivered.body, 'retry-me');
  assert.equal(redelivered.headers.redelivered, 'true');
});
