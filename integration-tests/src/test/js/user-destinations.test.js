import { test } from 'node:test';
import assert from 'node:assert/strict';

import { connect, unique } from './lib/stomp-support.js';

test('SEND to /user/{login}/queue/x reaches every session of that user as /user/queue/x', async (t) => {
  const alice = unique('alice');
  const bob = unique('bob');
  const aliceTab1 = await connect(t, { connectHeaders: { login: alice, passcode: 'secret' } });
  const aliceTab2 = await connect(t, { connectHeaders: { login: alice, passcode: 'secret' } });
  const bobTab = await connect(t, { connectHeaders: { login: bob, passcode: 'secret' } });
  const inbox1 = (await aliceTab1.subscribed('/user/queue/x')).inbox;
  const inbox2 = (await aliceTab2.subscribed('/user/queue/x')).inbox;
  const bobInbox = (await bobTab.subscribed('/user/queue/x')).inbox;

  bobTab.client.publish({
    destination: `/user/${alice}/queue/x`,
    body: 'for alice',
    headers: { 'x-from': bob },
  });

  for (const [session, inbox] of [
    [aliceTab1, inbox1],
    [aliceTab2, inbox2],
  ]) {
    const message = await session.guard(inbox.next(), 5000, 'user message');
    assert.equal(message.body, 'for alice');
    assert.equal(message.headers.destination, '/user/queue/x');
    assert.equal(message.headers['x-from'], bob);
  }

  // Bob's own /user/queue/x only gets what is sent to him.
  aliceTab1.client.publish({ destination: `/user/${bob}/queue/x`, body: 'for bob' });
  const bobMessages = await bobTab.guard(
    bobInbox.until((message) => message.body === 'for bob'),
    5000,
    'message for bob',
  );
  assert.deepEqual(
    bobMessages.map((message) => message.body),
    ['for bob'],
  );
  assert.equal(bobMessages[0].headers.destination, '/user/queue/x');
  assert.equal(inbox1.size, 1, 'alice did not get bob\'s message');
});
