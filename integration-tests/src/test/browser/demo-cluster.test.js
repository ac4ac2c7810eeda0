// The demo served by two Herald nodes sharing one RabbitMQ, clients split across them. Run by
// ClusterDemoIT:
//   DEMO_A_URL, DEMO_B_URL   the two nodes (the price feed publishes to the first)
//   SCREENSHOT_DIR           where the screenshots go
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { enterChat, launch, openPage, until } from './chromium.js';

const A = process.env.DEMO_A_URL;
const B = process.env.DEMO_B_URL;
const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/screenshots';
mkdirSync(SHOTS, { recursive: true });
let browser;

before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const page = (url) => openPage(browser, url);
const enter = (node, nickname) => enterChat(browser, `${node}/demo/chat.html`, nickname, 'cluster');

const messages = (chat) => chat.locator('#messages li');

test('chat across two nodes: members, room messages and private ones cross', async () => {
  const alice = await enter(A, 'Alice');
  const bob = await enter(B, 'Bob');
  for (const chat of [alice, bob]) {
    await chat.locator('#members li', { hasText: 'Alice' }).waitFor({ timeout: 10_000 });
    await chat.locator('#members li', { hasText: 'Bob' }).waitFor({ timeout: 10_000 });
  }
  await alice.getByRole('textbox', { name: 'Message', exact: true }).fill('hello from node A');
  await alice.getByRole('button', { name: 'Send' }).click();
  await messages(bob).filter({ hasText: 'hello from node A' }).waitFor({ timeout: 5_000 });

  await bob.getByLabel('To', { exact: true }).selectOption({ label: 'Alice' });
  await bob.getByRole('textbox', { name: 'Message', exact: true }).fill('psst, from node B');
  await bob.getByRole('button', { name: 'Send' }).click();
  const secret = messages(alice).filter({ hasText: 'psst, from node B' });
  await secret.waitFor({ timeout: 5_000 });
  assert.equal(await secret.getAttribute('class'), 'private');
  await bob.screenshot({ path: join(SHOTS, 'demo-cluster-chat.png') });

  await bob.context().close();
  await messages(alice).filter({ hasText: 'Bob left' }).waitFor({ timeout: 20_000 });
  for (const chat of [alice, bob]) assert.deepEqual(chat.problems, []);
  await alice.context().close();
});

test('the second node\'s dashboard shows it linked, with what crosses from the first', async () => {
  const dashboard = await page(`${B}/admin`);
  const tile = dashboard.locator('#tile-cluster');
  await until('the cluster tile to say linked', async () => (await tile.textContent()) === 'linked');
  const detail = dashboard.locator('#tile-cluster-detail');
  await until('messages from the first node counted', async () => {
    const received = /([\d,]+) in/.exec(await detail.textContent());
    return received && Number(received[1].replace(/,/g, '')) > 0;
  });
  await dashboard.locator('#cluster').screenshot({ path: join(SHOTS, 'dashboard-cluster-tile.png') });
  assert.deepEqual(dashboard.problems, []);
  await dashboard.context().close();
});

test('the ticker on the second node moves with the feed that publishes to the first', async () => {
  const ticker = await page(`${B}/demo/ticker.html`);
  await ticker.getByRole('status').filter({ hasText: 'connected as' }).waitFor({ timeout: 10_000 });
  const aapl = ticker.locator('#prices tr[data-symbol="AAPL"] td.price');
  await aapl.waitFor({ timeout: 10_000 });
  const first = await aapl.textContent();
  await until('AAPL to move', async () => (await aapl.textContent()) !== first);
  assert.deepEqual(ticker.problems, []);
  await ticker.context().close();
});
