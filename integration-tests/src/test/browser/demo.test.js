// The demo pages (client-js-demo/, served at /demo/) in headless Chromium. Run by DemoIT:
//   DEMO_URL            the broker, embedded default with JWT accepted, price feed running
//   DEMO_REFUSING_URL   a broker whose access rules let everyone subscribe to prices, nobody send
//   DEMO_CONTROL_URL    POST /restart there stops and starts the broker on the same ports
//   DEMO_TOKEN          a JWT for the user "bob"
//   SCREENSHOT_DIR      where the screenshots go
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { enterChat, launch, openPage, until } from './chromium.js';

const URL = process.env.DEMO_URL;
const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/screenshots';
mkdirSync(SHOTS, { recursive: true });
let browser;

before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const page = (path) => openPage(browser, `${URL}${path}`);
const enter = (path, nickname) => enterChat(browser, `${URL}${path}`, nickname, 'demo');

const messages = (chat) => chat.locator('#messages li');

test('chat: a message reaches the room within a second with its sender, a private one only its target', async () => {
  const alice = await enter('/demo/chat.html', 'Alice');
  const bob = await enter(`/demo/chat.html?access_token=${process.env.DEMO_TOKEN}`, 'Bob');
  const eve = await enter('/demo/chat.html', 'Eve');
  assert.match(await bob.getByRole('status').textContent(), /connected as bob$/, 'the JWT names Bob');
  // everyone learns who is in the room from the broker's presence (/presence/topic/chat.lobby)
  for (const chat of [alice, bob, eve]) {
    await chat.locator('#members li', { hasText: 'Bob' }).waitFor({ timeout: 5_000 });
    await chat.locator('#members li', { hasText: 'Alice' }).waitFor({ timeout: 5_000 });
  }

  await alice.getByRole('textbox', { name: 'Message', exact: true }).fill('hello, room');
  const sent = Date.now();
  await alice.getByRole('button', { name: 'Send' }).click();
  const atBob = messages(bob).filter({ hasText: 'hello, room' });
  await atBob.waitFor({ timeout: 1_000 });
  assert.ok(Date.now() - sent < 1_000, 'within a second');
  assert.equal(await atBob.locator('.who').textContent(), 'Alice');
  // the sender as the broker stamped it (x-herald-user): Alice is anonymous
  assert.match(await atBob.locator('.who').getAttribute('title'), /^anonymous-/);

  await bob.getByRole('textbox', { name: 'Message', exact: true }).fill('hi Alice');
  await bob.getByRole('button', { name: 'Send' }).click();
  const fromBob = messages(alice).filter({ hasText: 'hi Alice' });
  await fromBob.waitFor({ timeout: 1_000 });
  assert.equal(await fromBob.locator('.who').getAttribute('title'), 'bob', 'stamped by the broker from the JWT');

  // private: Alice to Bob through /user/bob/queue/private
  await alice.getByLabel('To', { exact: true }).selectOption({ label: 'Bob' });
  await alice.getByRole('textbox', { name: 'Message', exact: true }).fill('just for you');
  await alice.getByRole('button', { name: 'Send' }).click();
  const secret = messages(bob).filter({ hasText: 'just for you' });
  await secret.waitFor({ timeout: 1_000 });
  assert.equal(await secret.getAttribute('class'), 'private');
  await alice.getByLabel('To', { exact: true }).selectOption({ label: 'everyone in the room' });
  await alice.getByRole('textbox', { name: 'Message', exact: true }).fill('after the secret');
  await alice.getByRole('button', { name: 'Send' }).click();
  // Eve gets the public message sent after the private one, and never the private one
  await messages(eve).filter({ hasText: 'after the secret' }).waitFor({ timeout: 1_000 });
  assert.equal(await messages(eve).filter({ hasText: 'just for you' }).count(), 0);

  await alice.screenshot({ path: join(SHOTS, 'demo-chat.png') });
  for (const chat of [alice, bob, eve]) assert.deepEqual(chat.problems, []);
  // Eve closes her tab: the broker tells the room, nobody's page had to say goodbye
  await eve.context().close();
  await messages(alice).filter({ hasText: 'Eve left' }).waitFor({ timeout: 5_000 });
  await alice.locator('#members li', { hasText: 'Eve' }).waitFor({ state: 'detached', timeout: 5_000 });
  assert.equal(await bob.locator('#members li').count(), 2, 'Alice and Bob');
  await Promise.all([alice, bob].map((chat) => chat.context().close()));
});

test('ticker: prices move while the feed runs and come back after a broker restart, without a reload', async () => {
  const ticker = await page('/demo/ticker.html');
  await ticker.getByRole('status').filter({ hasText: 'connected as' }).waitFor({ timeout: 10_000 });
  const aapl = ticker.locator('#prices tr[data-symbol="AAPL"] td.price');
  await aapl.waitFor({ timeout: 5_000 });
  const first = await aapl.textContent();
  await until('AAPL to move', async () => (await aapl.textContent()) !== first);
  await until('every symbol of the feed', async () => (await ticker.locator('#prices tbody tr').count()) === 10);
  await until('a rate and a latency', async () =>
    Number(await ticker.locator('#rate').textContent()) > 0 && /ms/.test(await ticker.locator('#latency').textContent()));
  await ticker.waitForTimeout(1_500); // let the sparklines fill a little for the screenshot
  await ticker.screenshot({ path: join(SHOTS, 'demo-ticker.png') });

  const restart = fetch(`${process.env.DEMO_CONTROL_URL}/restart`, { method: 'POST' });
  await ticker.getByRole('status').filter({ hasText: /lost|refused|connecting/ }).waitFor({ timeout: 10_000 });
  assert.equal((await restart).status, 204, 'the broker restarted');
  await ticker.getByRole('status').filter({ hasText: 'connected as' }).waitFor({ timeout: 15_000 });
  const ticks = ticker.locator('#prices tr[data-symbol="AAPL"] td').nth(4);
  const before = Number(await ticks.textContent());
  await until('ticks again after the restart', async () => Number(await ticks.textContent()) > before, 15_000);

  // per-symbol subscriptions instead of the wildcard
  await ticker.getByLabel('only').check();
  await ticker.getByLabel('Symbols, comma separated').fill('MSFT, NVDA');
  await ticker.getByRole('button', { name: 'Apply' }).click();
  await until('only the chosen symbols', async () => {
    const symbols = await ticker.locator('#prices tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.symbol));
    return symbols.join() === 'MSFT,NVDA';
  });
  assert.deepEqual(ticker.problems, []);
  await ticker.context().close();
});

test('ticker: where only the feed may publish prices, the page shows the broker\'s refusal', async () => {
  const context = await browser.newContext();
  const ticker = await context.newPage();
  await ticker.goto(`${process.env.DEMO_REFUSING_URL}/demo/ticker.html`);
  await ticker.getByRole('status').filter({ hasText: 'connected as' }).waitFor({ timeout: 10_000 });
  await ticker.getByRole('button', { name: 'Publish' }).click();
  const alert = ticker.getByRole('alert');
  await until('the refusal', async () => /access denied/.test(await alert.textContent()));
  assert.match(await alert.textContent(), /may not send to '\/topic\/prices\.TEST'/);
  await ticker.screenshot({ path: join(SHOTS, 'demo-ticker-refused.png') });
  await context.close();
});
