import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Inbox, LONG_WAIT_MS, connect, frame, openRaw, unique } from './lib/stomp-support.js';

const utf8 = new TextEncoder();

test('text message with custom headers reaches the subscriber as MESSAGE', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('text')}`;
  const { subscription, inbox } = await subscriber.subscribed(destination);

  publisher.client.publish({
    destination,
    body: 'hello, herald',
    headers: { 'x-trace-id': 'trace-42', 'x-priority': '7' },
  });

  const message = await subscriber.guard(inbox.next(), 5000, 'MESSAGE');
  assert.equal(message.command, 'MESSAGE');
  assert.equal(message.body, 'hello, herald');
  assert.equal(message.headers.destination, destination);
  assert.equal(message.headers.subscription, subscription.id);
  assert.ok(message.headers['message-id'], 'MESSAGE has a message-id');
  assert.equal(message.headers['x-trace-id'], 'trace-42');
  assert.equal(message.headers['x-priority'], '7');
  assert.equal(message.headers['content-length'], String(utf8.encode('hello, herald').length));
  assert.equal(message.headers['content-type'], undefined, 'no content-type when the SEND had none');
  assert.equal(message.headers.ack, undefined, 'no ack header in auto mode');
});

test('every subscriber of a topic gets its own copy', async (t) => {
  const first = await connect(t);
  const second = await connect(t);
  const destination = `/topic/${unique('fanout')}`;
  const a = await first.subscribed(destination);
  const b = await second.subscribed(destination);
  const c = await second.subscribed(destination);

  first.client.publish({ destination, body: 'to all' });

  for (const [session, sub] of [
    [first, a],
    [second, b],
    [second, c],
  ]) {
    const message = await session.guard(sub.inbox.next(), 5000, 'fan-out copy');
    assert.equal(message.body, 'to all');
    assert.equal(message.headers.subscription, sub.subscription.id);
  }
});

test('JSON body round trip keeps content-type and structure', async (t) => {
  const session = await connect(t);
  const destination = `/topic/${unique('json')}`;
  const { inbox } = await session.subscribed(destination);
  const payload = {
    symbol: 'AAPL',
    price: 187.25,
    tags: ['équité', 'nasdaq'],
    nested: { ok: true, none: null, list: [1, 2, 3] },
    text: 'line1\nline2\u0000after-nul',
  };

  session.client.publish({
    destination,
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json' },
  });

  const message = await session.guard(inbox.next(), 5000, 'JSON MESSAGE');
  assert.equal(message.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(message.body), payload);
});

test('binary body with NULs and invalid UTF-8 arrives byte for byte', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('binary')}`;
  const { inbox } = await subscriber.subscribed(destination);
  const bytes = new Uint8Array(512);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = (i * 7) % 256;
  }
  bytes.set([0x00, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x00], 100);

  publisher.client.publish({
    destination,
    binaryBody: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });

  const message = await subscriber.guard(inbox.next(), 5000, 'binary MESSAGE');
  assert.equal(message.headers['content-type'], 'application/octet-stream');
  assert.equal(message.headers['content-length'], String(bytes.length));
  assert.deepEqual(Buffer.from(message.binaryBody), Buffer.from(bytes));
});

test('valid UTF-8 body containing NUL octets survives (content-length framing)', async (t) => {
  const session = await connect(t);
  const destination = `/topic/${unique('nul')}`;
  const { inbox } = await session.subscribed(destination);
  const bytes = utf8.encode('before\u0000middle\u0000\u0000after');

  session.client.publish({ destination, binaryBody: bytes });

  const message = await session.guard(inbox.next(), 5000, 'MESSAGE with NULs');
  assert.deepEqual(Buffer.from(message.binaryBody), Buffer.from(bytes));
});

test('non-UTF-8 bodies travel in binary WebSocket messages, text bodies in text ones (raw)', async (t) => {
  const raw = await openRaw(t);
  assert.equal((await raw.connect()).command, 'CONNECTED');
  const destination = `/topic/${unique('framing')}`;
  raw.send(frame('SUBSCRIBE', { id: 's1', destination, receipt: 'sub-1' }));
  assert.equal((await raw.frames.next()).headers['receipt-id'], 'sub-1');

  raw.send(frame('SEND', { destination, 'content-length': 4 }, 'text'));
  const binary = Buffer.concat([
    Buffer.from(`SEND\ndestination:${destination}\ncontent-length:3\n\n`),
    Buffer.from([0xff, 0x00, 0x80]),
    Buffer.from([0]),
  ]);
  raw.ws.send(binary);

  const [textMessage, binaryMessage] = await raw.frames.take(2);
  assert.equal(textMessage.command, 'MESSAGE');
  assert.equal(textMessage.body, 'text');
  assert.equal(textMessage.binary, false, 'UTF-8 body sent as a text WebSocket message');
  assert.equal(binaryMessage.command, 'MESSAGE');
  assert.deepEqual(binaryMessage.bodyBytes, Buffer.from([0xff, 0x00, 0x80]));
  assert.equal(binaryMessage.binary, true, 'non-UTF-8 body sent as a binary WebSocket message');
});

test('256 KiB body arrives intact', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('large')}`;
  const { inbox } = await subscriber.subscribed(destination);
  const size = 256 * 1024;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let body = '';
  for (let i = 0; body.length < size; i++) {
    body += `${i}:${alphabet}|`;
  }
  body = body.slice(0, size);

  publisher.client.publish({ destination, body });

  const message = await subscriber.guard(inbox.next(LONG_WAIT_MS), LONG_WAIT_MS, 'large MESSAGE');
  assert.equal(message.headers['content-length'], String(size));
  assert.equal(message.body.length, size);
  assert.ok(message.body === body, 'large body differs from what was sent');
});

test('256 KiB binary body arrives intact', async (t) => {
  const session = await connect(t);
  const destination = `/topic/${unique('large-binary')}`;
  const { inbox } = await session.subscribed(destination);
  const bytes = new Uint8Array(256 * 1024);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }

  session.client.publish({ destination, binaryBody: bytes });

  const message = await session.guard(inbox.next(LONG_WAIT_MS), LONG_WAIT_MS, 'large binary MESSAGE');
  assert.equal(message.binaryBody.length, bytes.length);
  assert.ok(Buffer.from(message.binaryBody).equals(Buffer.from(bytes)), 'large binary body differs');
});

test('1,000 messages from one publisher arrive in order', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('order')}`;
  const { inbox } = await subscriber.subscribed(destination);

  for (let i = 0; i < 1000; i++) {
    publisher.client.publish({ destination, body: String(i), headers: { seq: String(i) } });
  }

  const messages = await subscriber.guard(inbox.take(1000, LONG_WAIT_MS), LONG_WAIT_MS, '1000 MESSAGEs');
  const bodies = messages.map((message) => Number(message.body));
  const expected = Array.from({ length: 1000 }, (_, i) => i);
  assert.deepEqual(bodies, expected);
  assert.deepEqual(
    messages.map((message) => Number(message.headers.seq)),
    expected,
  );
  assert.equal(new Set(messages.map((message) => message.headers['message-id'])).size, 1000, 'message-ids unique');
});

test('UTF-8 body and header values with ":", "\\n" and "\\" are escaped and restored', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('utf8')}`;
  const { inbox } = await subscriber.subscribed(destination);
  const body = 'Grüße, 世界! Ελληνικά — emoji 🚀🎉, "quotes" and a:colon\nand a newline';
  const headers = {
    'x-colon': 'key:value:more',
    'x-newline': 'first line\nsecond line',
    'x-both': 'a:b\nc:d',
    'x-backslash': 'C:\\Temp\\Herald',
    'x-unicode': 'naïve café ☕ 日本語',
    'content-type': 'text/plain;charset=utf-8',
  };

  publisher.client.publish({ destination, body, headers });

  const message = await subscriber.guard(inbox.next(), 5000, 'UTF-8 MESSAGE');
  assert.equal(message.body, body);
  assert.equal(message.headers['content-length'], String(utf8.encode(body).length));
  for (const [name, value] of Object.entries(headers)) {
    assert.equal(message.headers[name], value, `header ${name}`);
  }
});

test('wildcard subscription /topic/prices.* gets exactly one-segment matches', async (t) => {
  const session = await connect(t);
  const base = `/topic/${unique('prices')}`;
  const star = await session.subscribed(`${base}.*`);
  const exact = await session.subscribed(`${base}.AAPL`);
  const all = await session.subscribed(`${base}.#`);

  const sent = [`${base}.AAPL`, `${base}.MSFT`, `${base}.AAPL.bid`, base, `${base}x.AAPL`, `${base}.GOOG`];
  for (const destination of sent) {
    await session.published({ destination, body: destination });
  }

  const starMessages = await star.inbox.take(3);
  assert.deepEqual(
    starMessages.map((message) => message.headers.destination).sort(),
    [`${base}.AAPL`, `${base}.GOOG`, `${base}.MSFT`].sort(),
  );
  for (const message of starMessages) {
    assert.equal(message.body, message.headers.destination, 'MESSAGE destination is the SEND destination');
    assert.equal(message.headers.subscription, star.subscription.id);
  }
  const exactMessage = await exact.inbox.next();
  assert.equal(exactMessage.headers.destination, `${base}.AAPL`);

  const allMessages = await all.inbox.take(5);
  assert.deepEqual(
    allMessages.map((message) => message.headers.destination).sort(),
    [`${base}.AAPL`, `${base}.MSFT`, `${base}.AAPL.bid`, base, `${base}.GOOG`].sort(),
  );

  // Barrier: one more matching message; whatever was wrongly routed would have come first.
  await session.published({ destination: `${base}.END`, body: 'end' });
  await star.inbox.until((message) => message.body === 'end');
  await all.inbox.until((message) => message.body === 'end');
  assert.deepEqual(
    star.inbox.items.map((message) => message.headers.destination).sort(),
    [`${base}.AAPL`, `${base}.END`, `${base}.GOOG`, `${base}.MSFT`].sort(),
    '/topic/prices.* must not match zero or two segments',
  );
  assert.equal(exact.inbox.size, 1, 'exact subscription got only its destination');
  assert.equal(all.inbox.size, 6, '/topic/prices.# matched all below (and the base itself)');
});

test('receipts for SUBSCRIBE and SEND; a message published after the SUBSCRIBE receipt arrives', async (t) => {
  const subscriber = await connect(t);
  const publisher = await connect(t);
  const destination = `/topic/${unique('receipt')}`;
  const subscriberInbox = new Inbox('receipt test messages');

  const subscribeReceipt = await subscriber.receipt(
    (receipt) => subscriber.client.subscribe(destination, subscriberInbox.push, { receipt }),
    'SUBSCRIBE',
  );
  assert.equal(subscribeReceipt.command, 'RECEIPT');

  const sendReceipt = await publisher.published({ destination, body: 'after receipt' });
  assert.equal(sendReceipt.command, 'RECEIPT');
  assert.ok(sendReceipt.headers['receipt-id']);

  const message = await subscriber.guard(subscriberInbox.next(), 5000, 'MESSAGE');
  assert.equal(message.body, 'after receipt');
  assert.equal(publisher.unhandled.size + subscriber.unhandled.size, 0);
});

test('after UNSUBSCRIBE (with receipt) no more messages for that subscription', async (t) => {
  const session = await connect(t);
  const destination = `/topic/${unique('unsub')}`;
  const dropped = await session.subscribed(destination);
  const kept = await session.subscribed(destination);

  await session.published({ destination, body: 'one' });
  assert.equal((await dropped.inbox.next()).body, 'one');
  assert.equal((await kept.inbox.next()).body, 'one');

  const receipt = await session.receipt((id) => dropped.subscription.unsubscribe({ receipt: id }), 'UNSUBSCRIBE');
  assert.equal(receipt.command, 'RECEIPT');

  await session.published({ destination, body: 'two' });
  assert.equal((await kept.inbox.next()).body, 'two');
  assert.equal(dropped.inbox.size, 1, 'unsubscribed callback got nothing more');
  assert.equal(session.unhandled.size, 0, 'no MESSAGE for the removed subscription id');
});

test('an empty body arrives as an empty MESSAGE with content-length 0', async (t) => {
  const session = await connect(t);
  const destination = `/topic/${unique('empty')}`;
  const { inbox } = await session.subscribed(destination);
  session.client.publish({ destination, body: '', headers: { 'x-kind': 'empty' } });
  const message = await session.guard(inbox.next(), 5000, 'empty MESSAGE');
  assert.equal(message.body, '');
  assert.equal(message.binaryBody.length, 0);
  assert.equal(message.headers['x-kind'], 'empty');
  assert.equal(message.headers['content-length'], '0');
});

test('frames sent as binary WebSocket messages (forceBinaryWSFrames) are understood', async (t) => {
  const binaryClient = await connect(t, { forceBinaryWSFrames: true });
  const destination = `/topic/${unique('force-binary')}`;
  const { inbox } = await binaryClient.subscribed(destination);
  await binaryClient.published({ destination, body: 'sent in a binary frame ✓', headers: { 'x-h': 'a:b' } });
  const message = await binaryClient.guard(inbox.next(), 5000, 'MESSAGE');
  assert.equal(message.body, 'sent in a binary frame ✓');
  assert.equal(message.headers['x-h'], 'a:b');
});

test('a subscription id can be reused after UNSUBSCRIBE', async (t) => {
  const session = await connect(t);
  const first = `/topic/${unique('reuse-a')}`;
  const second = `/topic/${unique('reuse-b')}`;
  const old = await session.subscribed(first, { id: 'reused' });
  await session.receipt((receipt) => old.subscription.unsubscribe({ receipt }), 'UNSUBSCRIBE');
  const fresh = await session.subscribed(second, { id: 'reused' });
  await session.published({ destination: first, body: 'old destination' });
  await session.published({ destination: second, body: 'new destination' });
  const message = await session.guard(fresh.inbox.next(), 5000, 'MESSAGE on the reused id');
  assert.equal(message.body, 'new destination');
  assert.equal(message.headers.subscription, 'reused');
  assert.equal(old.inbox.size, 0);
  assert.equal(session.unhandled.size, 0);
});

test('repeated headers: the first value wins; CRLF line endings are accepted (raw publisher)', async (t) => {
  const subscriber = await connect(t);
  const destination = `/topic/${unique('raw-publisher')}`;
  const { inbox } = await subscriber.subscribed(destination);
  const raw = await openRaw(t);
  raw.send('CONNECT\r\naccept-version:1.2\r\nhost:/\r\nheart-beat:0,0\r\n\r\n\0');
  assert.equal((await raw.frames.next()).command, 'CONNECTED');
  raw.send(`SEND\r\ndestination:${destination}\r\nx-dup:first\r\nx-dup:second\r\nx-esc:a\\cb\\nc\\\\d\r\n\r\ncrlf body\0`);
  const message = await subscriber.guard(inbox.next(), 5000, 'MESSAGE from the raw publisher');
  assert.equal(message.body, 'crlf body');
  assert.equal(message.headers['x-dup'], 'first');
  assert.equal(message.headers['x-esc'], 'a:b\nc\\d');
});
