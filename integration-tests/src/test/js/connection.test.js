import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Versions, WAIT_MS, connect, openRaw, unique, withTimeout } from './lib/stomp-support.js';

test('stompjs connects with STOMP 1.2 negotiated and disconnects gracefully', async (t) => {
  const session = await connect(t);
  const connected = session.connectedFrame;

  assert.equal(connected.command, 'CONNECTED');
  assert.equal(connected.headers.version, '1.2');
  assert.equal(session.client.connectedVersion, '1.2');
  assert.match(connected.headers.server ?? '', /^\S+\/\S+/, 'server header is name/version');
  assert.ok(connected.headers.session, 'CONNECTED carries a session header');
  assert.match(connected.headers['heart-beat'] ?? '', /^\d+,\d+$/, 'CONNECTED carries heart-beat cx,cy');
  assert.equal(session.client.webSocket.protocol, 'v12.stomp', 'WebSocket sub-protocol negotiated');

  await session.disconnect();
  assert.ok(session.disconnectReceipt, 'DISCONNECT was answered by a RECEIPT');
  assert.equal(session.disconnectReceipt.command, 'RECEIPT');
  assert.match(session.disconnectReceipt.headers['receipt-id'], /^close-/);
  assert.equal(session.client.connected, false);
  await withTimeout(session.closed.promise, WAIT_MS, 'WebSocket close after DISCONNECT');
  assert.equal(session.errors.size, 0, 'no ERROR frame on a clean session');
});

test('two sessions get different session ids', async (t) => {
  const first = await connect(t);
  const second = await connect(t);
  assert.notEqual(first.connectedFrame.headers.session, second.connectedFrame.headers.session);
});

test('a client offering only STOMP 1.1 gets version 1.1', async (t) => {
  const session = await connect(t, { stompVersions: new Versions(['1.1']) });
  assert.equal(session.connectedFrame.headers.version, '1.1');
  assert.equal(session.client.webSocket.protocol, 'v11.stomp');
});

test('a client offering only STOMP 1.0 gets version 1.0 and can exchange messages', async (t) => {
  const session = await connect(t, { stompVersions: new Versions(['1.0']) });
  assert.equal(session.connectedFrame.headers.version, '1.0');
  const destination = `/topic/${unique('v10')}`;
  const { inbox } = await session.subscribed(destination);
  session.client.publish({ destination, body: 'old school' });
  const message = await session.guard(inbox.next(), WAIT_MS, 'MESSAGE over STOMP 1.0');
  assert.equal(message.body, 'old school');
});

test('CONNECT without accept-version means STOMP 1.0 (raw)', async (t) => {
  const raw = await openRaw(t, ['v10.stomp', 'v11.stomp', 'v12.stomp']);
  raw.send('CONNECT\n\n\0');
  const connected = await raw.frames.next();
  assert.equal(connected.command, 'CONNECTED');
  // A STOMP 1.0 CONNECTED may omit the version header; if present it must say 1.0.
  assert.ok([undefined, '1.0'].includes(connected.headers.version), `version ${connected.headers.version}`);
  assert.ok(connected.headers.session, 'CONNECTED carries a session header');
});

test('the server answers DISCONNECT with RECEIPT and then closes the socket (raw)', async (t) => {
  const raw = await openRaw(t);
  const connected = await raw.connect();
  assert.equal(connected.command, 'CONNECTED');
  raw.send('DISCONNECT\nreceipt:bye-1\n\n\0');
  const receipt = await raw.frames.next();
  assert.equal(receipt.command, 'RECEIPT');
  assert.equal(receipt.headers['receipt-id'], 'bye-1');
  await withTimeout(raw.closed.promise, WAIT_MS, 'server closing the socket after DISCONNECT');
});

test('the STOMP command is accepted like CONNECT (raw)', async (t) => {
  const raw = await openRaw(t);
  raw.send('STOMP\naccept-version:1.2\nhost:/\nheart-beat:0,0\n\n\0');
  const connected = await raw.frames.next();
  assert.equal(connected.command, 'CONNECTED');
  assert.equal(connected.headers.version, '1.2');
});

test('no shared version gives ERROR naming the supported versions, then close (raw)', async (t) => {
  const raw = await openRaw(t);
  raw.send('CONNECT\naccept-version:3.0,4.1\nhost:/\n\n\0');
  const error = await raw.frames.next();
  assert.equal(error.command, 'ERROR');
  assert.match(error.headers.message ?? '', /supported versions/);
  assert.match(error.body, /1\.2/, 'ERROR body lists the supported versions');
  await withTimeout(raw.closed.promise, WAIT_MS, 'server closing the socket after ERROR');
});
