import { test } from 'node:test';
import assert from 'node:assert/strict';

import { WAIT_MS, connect, idle, openRaw, unique, withTimeout } from './lib/stomp-support.js';

const CLIENT_MS = 200;
const IDLE_MS = 1500;

function parseHeartBeat(value) {
  assert.match(value ?? '', /^\d+,\d+$/, `heart-beat header "${value}"`);
  return value.split(',').map(Number);
}

test('heart-beats are negotiated and keep an idle connection alive', async (t) => {
  const session = await connect(t, { heartbeatIncoming: CLIENT_MS, heartbeatOutgoing: CLIENT_MS });
  const [sx, sy] = parseHeartBeat(session.connectedFrame.headers['heart-beat']);
  assert.ok(sx > 0, 'the broker offers to send heart-beats');
  assert.ok(sy > 0, 'the broker wants heart-beats from the client');
  const serverEvery = Math.max(sx, CLIENT_MS);
  assert.ok(
    serverEvery <= 500,
    `negotiated server heart-beat ${serverEvery} ms; this scenario needs a broker offering <= 500 ms (herald.heartbeat.send-interval)`,
  );

  let beats = 0;
  let lost = false;
  session.client.onHeartbeatReceived = () => {
    beats += 1;
  };
  session.client.onHeartbeatLost = () => {
    lost = true;
  };
  const destination = `/topic/${unique('heartbeat')}`;
  const { inbox } = await session.subscribed(destination);

  // The scenario itself: nothing but heart-beats on the wire for a while.
  await idle(IDLE_MS);

  assert.equal(lost, false, 'stompjs did not detect a lost heart-beat');
  assert.equal(session.closeEvent, undefined, 'the connection stayed open');
  assert.equal(session.client.connected, true);
  assert.equal(session.errors.size, 0, 'no ERROR frame');
  const expected = Math.floor(IDLE_MS / serverEvery);
  assert.ok(beats >= Math.max(2, expected - 3), `received ${beats} heart-beats in ${IDLE_MS} ms, expected about ${expected}`);

  const publisher = await connect(t);
  publisher.client.publish({ destination, body: 'still there' });
  const message = await session.guard(inbox.next(), WAIT_MS, 'MESSAGE after idling');
  assert.equal(message.body, 'still there');
});

test('without heart-beats requested the broker sends none (raw)', async (t) => {
  const raw = await openRaw(t);
  const connected = await raw.connect({ 'heart-beat': '0,0' });
  assert.equal(connected.command, 'CONNECTED');
  raw.send('SUBSCRIBE\nid:0\ndestination:/topic/quiet\nreceipt:r\n\n\0');
  assert.equal((await raw.frames.next()).command, 'RECEIPT');
  await idle(600);
  assert.equal(raw.heartbeats, 0);
  assert.equal(raw.ws.readyState, raw.ws.OPEN);
});

test('the broker closes a connection whose client stops sending promised heart-beats (raw)', async (t) => {
  const raw = await openRaw(t);
  const connected = await raw.connect({ 'heart-beat': `${CLIENT_MS},0` });
  assert.equal(connected.command, 'CONNECTED');
  const [, sy] = parseHeartBeat(connected.headers['heart-beat']);
  assert.ok(sy > 0, 'the broker checks client heart-beats');
  const every = Math.max(sy, CLIENT_MS);
  // We never send anything: the broker should give up after a few missed intervals.
  const closed = await withTimeout(raw.closed.promise, every * 10 + WAIT_MS, 'the broker closing a silent client');
  assert.ok(closed.code >= 1000);
});
