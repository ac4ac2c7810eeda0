import { test } from 'node:test';
import assert from 'node:assert/strict';

import { connect, token, unique } from './lib/stomp-support.js';

const as = (user) => ({ connectHeaders: { Authorization: `Bearer ${token(user)}` } });

test('SEND to /user/{user}/queue/x reaches every session of that user as /user/queue/x', async (t) => {
  const alice = unique('alice');
  const bob = unique('bob');
  const aliceTab1 = await connect(t, as(alice));
  const aliceTab2 = await connect(t, as(alice));
  const bobTab = await connect(t, as(bob));
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

// With JWT configured an unchecked login is refused; the embedded default ignores it
// (AnonymousIdentityIT covers that over every transport).
test('an anonymous client is named by the broker and gets only its own /user/queue', async (t) => {
  const alice = unique('alice');
  const owner = await connect(t, as(alice));
  const ownerInbox = (await owner.subscribed('/user/queue/x')).inbox;
  const claimant = await connect(t);
  const name = claimant.connectedFrame.headers['user-name'];
  assert.equal(name, `anonymous-${claimant.connectedFrame.headers.session}`);
  const claimantInbox = (await claimant.subscribed('/user/queue/x')).inbox;

  owner.client.publish({ destination: `/user/${alice}/queue/x`, body: 'for alice' });
  owner.client.publish({ destination: `/user/${name}/queue/x`, body: 'for the claimant' });

  const toOwner = await owner.guard(ownerInbox.next(), 5000, 'message for alice');
  assert.equal(toOwner.body, 'for alice');
  const toClaimant = await claimant.guard(claimantInbox.next(), 5000, 'message for the claimant');
  assert.equal(toClaimant.body, 'for the claimant');
  assert.equal(toClaimant.headers['x-herald-user'], alice);
  assert.equal(claimantInbox.size, 1, 'the claimant did not get alice\'s message');
});
