import { test } from 'node:test';
import assert from 'node:assert/strict';

import { WAIT_MS, connect, frame, openRaw, unique, withTimeout } from './lib/stomp-support.js';

/** Waits for the one ERROR frame and the close that follows it; returns the ERROR. */
async function expectError(session, pattern) {
  const error = await session.errors.next();
  assert.equal(error.command, 'ERROR');
  assert.match(error.headers.message ?? '', pattern);
  await withTimeout(session.closed.promise, WAIT_MS, 'the broker closing after ERROR');
  assert.equal(session.errors.size, 1, 'exactly one ERROR frame');
  return error;
}

async function expectRawError(raw, pattern) {
  const error = await raw.frames.next();
  assert.equal(error.command, 'ERROR', `expected ERROR, got ${error.command} ${JSON.stringify(error.headers)}`);
  assert.match(error.headers.message ?? '', pattern);
  await withTimeout(raw.closed.promise, WAIT_MS, 'the broker closing after ERROR');
  assert.equal(raw.frames.pending().length, 0, 'nothing after the ERROR frame');
  return error;
}

test('SEND with an empty destination: onStompError with a message header, then close', async (t) => {
  const session = await connect(t);
  session.client.publish({ destination: '', body: 'nowhere' });
  const error = await expectError(session, /destination/);
  assert.equal(session.client.connected, false);
  assert.ok(error.headers.message.length > 0);
});

test('SEND to an unknown destination prefix is an ERROR', async (t) => {
  const session = await connect(t);
  session.client.publish({ destination: `/exchange/${unique('nope')}`, body: 'x' });
  await expectError(session, /destination/);
});

test('SEND without destination header: ERROR names it and echoes the receipt (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  raw.send(frame('SEND', { receipt: 'bad-send-1' }, 'no destination'));
  const error = await expectRawError(raw, /missing required header 'destination'/);
  assert.equal(error.headers['receipt-id'], 'bad-send-1');
});

test('a frame before CONNECT is an ERROR "not connected" (raw)', async (t) => {
  const raw = await openRaw(t);
  raw.send(frame('SEND', { destination: '/topic/early' }, 'too early'));
  await expectRawError(raw, /not connected/);
});

test('an unknown command is an ERROR (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  raw.send(frame('PUBLISH', { destination: '/topic/x' }, 'x'));
  await expectRawError(raw, /unknown command/);
});

test('a duplicate subscription id is an ERROR', async (t) => {
  const session = await connect(t);
  const destination = `/topic/${unique('dup')}`;
  await session.subscribed(destination, { id: 'same-id' });
  session.client.subscribe(destination, () => {}, { id: 'same-id' });
  await expectError(session, /duplicate subscription id/);
});

test('UNSUBSCRIBE of an unknown subscription is an ERROR', async (t) => {
  const session = await connect(t);
  session.client.unsubscribe('never-subscribed');
  await expectError(session, /unknown subscription/);
});

test('SUBSCRIBE without id is an ERROR naming the header (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  raw.send(frame('SUBSCRIBE', { destination: '/topic/x' }));
  await expectRawError(raw, /missing required header 'id'/);
});

test('COMMIT of an unknown transaction is an ERROR', async (t) => {
  const session = await connect(t);
  session.client.commit(unique('no-such-tx'));
  await expectError(session, /unknown transaction/);
});

test('a frame larger than the limit is an ERROR', async (t) => {
  const session = await connect(t);
  session.client.publish({ destination: `/topic/${unique('huge')}`, body: 'x'.repeat(3 * 1024 * 1024) });
  await expectError(session, /exceeds the limit/);
});

test('a frame without content-length larger than the limit is an ERROR (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  raw.send(frame('SEND', { destination: `/topic/${unique('huge-raw')}` }, 'y'.repeat(3 * 1024 * 1024)));
  await expectRawError(raw, /exceeds the limit/);
});

test('a header line longer than the limit is an ERROR (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  raw.send(frame('SEND', { destination: `/topic/${unique('long-line')}`, 'x-long': 'z'.repeat(16 * 1024) }, 'x'));
  await expectRawError(raw, /exceeds the limit/);
});

test('more headers than the limit is an ERROR (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  const headers = { destination: `/topic/${unique('many-headers')}` };
  for (let i = 0; i < 100; i++) {
    headers[`x-h${i}`] = String(i);
  }
  raw.send(frame('SEND', headers, 'x'));
  await expectRawError(raw, /exceeds the limit/);
});
