// A Spring app whose broker is Herald through enableStompBrokerRelay (SpringRelayIT starts
// both): browsers on the app's own endpoint, the app's @MessageMapping controllers and
// SimpMessagingTemplate, Herald behind the relay, and Herald's own clients beside them.
// Not a *.test.js file: StompJsIT's run does not pick it up; SpringRelayIT names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { connect, token, unique } from './lib/stomp-support.js';

const app = (user) => ({ brokerURL: `${process.env.APP_WS_URL}?user=${user}` });
const json = (message) => JSON.parse(message.body);
const send = (session, destination, body) =>
  session.client.publish({ destination, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

test('@SendTo reaches every browser of the app through Herald', async (t) => {
  const alice = await connect(t, app('alice'));
  const bob = await connect(t, app('bob'));
  const atAlice = (await alice.subscribed('/topic/greetings')).inbox;
  const atBob = (await bob.subscribed('/topic/greetings')).inbox;
  send(alice, '/app/hello', { text: 'world' });
  for (const [session, inbox] of [[alice, atAlice], [bob, atBob]]) {
    const greeting = await session.guard(inbox.next(), 5000, 'the greeting');
    assert.deepEqual(json(greeting), { from: 'alice', to: null, text: 'hello, world' });
    assert.equal(greeting.headers.destination, '/topic/greetings');
  }
});

test('convertAndSendToUser reaches that user only, through the queue Spring names for the session', async (t) => {
  const alice = await connect(t, app('alice'));
  const bob = await connect(t, app('bob'));
  const carol = await connect(t, app('carol'));
  const bobNotes = (await bob.subscribed('/user/queue/notes')).inbox;
  const carolNotes = (await carol.subscribed('/user/queue/notes')).inbox;
  send(alice, '/app/note', { to: 'bob', text: 'psst' });
  const note = await bob.guard(bobNotes.next(), 5000, "bob's note");
  assert.deepEqual(json(note), { from: 'alice', to: 'bob', text: 'psst' });
  // Spring shows the user the destination it subscribed to
  assert.equal(note.headers.destination, '/user/queue/notes');
  send(alice, '/app/note', { to: 'carol', text: 'for carol' });
  assert.equal(json(await carol.guard(carolNotes.next(), 5000, "carol's note")).text, 'for carol');
  assert.equal(bobNotes.pending().length, 0, 'bob got only his own');
});

test("the app's clients and Herald's own share one broker, both ways, and HTTP publishes reach them too", async (t) => {
  const browser = await connect(t, app('dave'));
  const native = await connect(t, { connectHeaders: { Authorization: `Bearer ${token('erin')}` } });
  const topic = unique('shared');
  const atBrowser = (await browser.subscribed(`/topic/${topic}`)).inbox;
  await native.published({ destination: `/topic/${topic}`, body: 'from a Herald client' });
  const fromNative = await browser.guard(atBrowser.next(), 5000, 'the Herald client\'s message');
  assert.equal(fromNative.body, 'from a Herald client');
  assert.equal(fromNative.headers['x-herald-user'], 'erin');

  const answer = await fetch(`${process.env.HERALD_HTTP_URL}/api/v1/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ destination: `/topic/${topic}`, body: { via: 'curl' } }),
  });
  assert.equal(answer.status, 200);
  assert.equal((await answer.json()).delivered, 1);
  assert.deepEqual(json(await browser.guard(atBrowser.next(), 5000, 'the HTTP publish')), { via: 'curl' });

  const announcements = (await native.subscribed('/topic/announcements')).inbox;
  send(browser, '/app/announce', { text: 'maintenance at noon' });
  const announced = await native.guard(announcements.next(), 5000, 'the announcement');
  assert.deepEqual(json(announced), { from: 'app', to: null, text: 'maintenance at noon' });
});
