import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Client, brokerUrl, connect, deferred, unique, withTimeout } from './lib/stomp-support.js';

// The broker runs with herald.topics.rules for /topic/resume.# keeping a history
// (StompJsIT): a subscriber that loses its socket resumes with x-herald-since.
const COUNT = 20_000;
const DROPS = 20;

test('a subscriber dropped 20 times resumes with x-herald-since and gets every message once, in order',
  { timeout: 60_000 }, async (t) => {
    const destination = `/topic/resume.${unique('feed')}`;
    const received = [];
    const answers = [];
    let position = null;
    let resubscribed = 0;
    const done = deferred();

    // the client a web app would write: remember the last position, resubscribe with it
    const subscriber = new Client({ brokerURL: brokerUrl(), reconnectDelay: 20, debug: () => {} });
    subscriber.onConnect = () => {
      const receipt = `sub-${resubscribed++}`;
      const headers = { receipt, ...(position ? { 'x-herald-since': position } : {}) };
      if (position) {
        subscriber.watchForReceipt(receipt, (frame) => answers.push(frame.headers['x-herald-recovered']));
      }
      subscriber.subscribe(destination, (message) => {
        position = `${message.headers['x-herald-epoch']}:${message.headers['x-herald-offset']}`;
        received.push(Number(message.body));
        if (received.length === COUNT) done.resolve();
      }, headers);
    };
    subscriber.activate();
    t.after(() => subscriber.deactivate());
    await withTimeout(new Promise((resolve) => {
      const check = setInterval(() => { if (subscriber.connected) { clearInterval(check); resolve(); } }, 5);
    }), 5000, 'the subscriber connected');

    const feed = await connect(t);
    // a steady feed: 20 messages every 5 ms, about 4,000 a second
    let sent = 0;
    const publishing = setInterval(() => {
      for (let i = 0; i < 20 && sent < COUNT; i++) {
        sent++;
        feed.client.publish({ destination, body: String(sent) });
      }
      if (sent >= COUNT) clearInterval(publishing);
    }, 5);
    t.after(() => clearInterval(publishing));

    // drop the socket at random moments while the feed runs
    for (let drop = 0; drop < DROPS; drop++) {
      await new Promise((resolve) => setTimeout(resolve, 60 + Math.random() * 140));
      subscriber.forceDisconnect();
      await withTimeout(new Promise((resolve) => {
        const check = setInterval(() => {
          if (subscriber.connected && resubscribed > drop + 1) { clearInterval(check); resolve(); }
        }, 5);
      }), 5000, `reconnect ${drop + 1}`);
    }

    await withTimeout(done.promise, 30_000, `all ${COUNT} messages (got ${received.length})`);
    assert.ok(resubscribed > DROPS, `resubscribed ${resubscribed} times`);
    assert.equal(received.length, COUNT);
    for (let i = 0; i < COUNT; i++) {
      if (received[i] !== i + 1) assert.fail(`message ${i} is ${received[i]}, expected ${i + 1}`);
    }
    await withTimeout(new Promise((resolve) => {
      const check = setInterval(() => { if (answers.length >= DROPS) { clearInterval(check); resolve(); } }, 5);
    }), 5000, 'every resume answered');
    assert.deepEqual(answers.filter((answer) => answer !== 'true'), [], 'x-herald-recovered true every time');
  });
