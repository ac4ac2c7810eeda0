// The /admin dashboard in headless Chromium, with real STOMP traffic flowing.
// Run by DashboardIT, which starts Herald and sets:
//   HERALD_HTTP_URL   the broker's HTTP base, e.g. http://127.0.0.1:8080
//   HERALD_WS_URL     its STOMP WebSocket endpoint (with ?access_token=… when logins are on)
//   HERALD_ORIGIN     the Origin header the STOMP clients send (optional)
//   HERALD_TOPIC      the feed's topic prefix (default /topic/dashboard.prices)
//   HERALD_FEED_WS_URL, HERALD_FEED_LOGIN, HERALD_FEED_PASSCODE   how the feed connects, when
//                     only a feed identity may publish there (optional)
//   HERALD_ADMIN_USER, HERALD_ADMIN_PASSWORD   HTTP Basic for the page (optional)
//   SCREENSHOT_DIR, SCREENSHOT_NAME            where the screenshots go
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { launch, until } from './chromium.js';

const HTTP = process.env.HERALD_HTTP_URL;
const WS = process.env.HERALD_WS_URL;
const SHOTS = process.env.SCREENSHOT_DIR ?? 'target/screenshots';
const NAME = process.env.SCREENSHOT_NAME ?? 'dashboard';
const TOPIC = process.env.HERALD_TOPIC ?? '/topic/dashboard.prices';
mkdirSync(SHOTS, { recursive: true });

const clients = [];
let browser;
let feed;

function connect(url = WS, connectHeaders = {}) {
  return new Promise((resolve, reject) => {
    const client = new Client({
      connectHeaders,
      webSocketFactory: () => new WebSocket(url, ['v12.stomp'], {
        headers: process.env.HERALD_ORIGIN ? { Origin: process.env.HERALD_ORIGIN } : {},
        rejectUnauthorized: false,
      }),
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    client.errors = [];
    client.onStompError = (frame) => client.errors.push(frame.headers.message);
    client.onConnect = (frame) => { client.sessionId = frame.headers.session; resolve(client); };
    client.onWebSocketError = (event) => reject(new Error(`WebSocket error: ${event.message ?? event}`));
    client.activate();
    clients.push(client);
  });
}

before(async () => {
  // a price feed of 5 symbols at ~250 messages/s, fanned out to 3 watchers
  const publisher = process.env.HERALD_FEED_LOGIN
    ? await connect(process.env.HERALD_FEED_WS_URL ?? WS,
      { login: process.env.HERALD_FEED_LOGIN, passcode: process.env.HERALD_FEED_PASSCODE })
    : await connect();
  for (let i = 0; i < 3; i++) {
    const watcher = await connect();
    watcher.subscribe(`${TOPIC}.*`, () => {});
  }
  let tick = 0;
  feed = setInterval(() => {
    for (const symbol of ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG']) {
      publisher.publish({ destination: `${TOPIC}.${symbol}`, body: JSON.stringify({ symbol, tick }) });
    }
    tick++;
  }, 20);
  browser = await launch();
});

after(async () => {
  clearInterval(feed);
  await Promise.all(clients.map((client) => client.deactivate()));
  await browser?.close();
});

test('the dashboard shows live figures, lists sessions and disconnects the chosen one', async () => {
  const victim = await connect();
  victim.subscribe(`${TOPIC}.AAPL`, () => {});
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1500 },
    ignoreHTTPSErrors: true,
    httpCredentials: process.env.HERALD_ADMIN_USER
      ? { username: process.env.HERALD_ADMIN_USER, password: process.env.HERALD_ADMIN_PASSWORD } : undefined,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });

  await page.goto(`${HTTP}/admin`);
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor({ timeout: 10_000 });

  // the figures move with the traffic: two readings of the tiles and of the chart differ
  const out = page.locator('#tile-out');
  const firstOut = await until('a delivery rate', async () => {
    const text = await out.textContent();
    return Number(text.replace(/,/g, '')) > 0 && text;
  });
  const chart = page.locator('#chart-messages canvas');
  const firstChart = await chart.screenshot();
  await until('the delivery rate to change', async () => (await out.textContent()) !== firstOut);
  await until('the messages chart to redraw', async () => !(await chart.screenshot()).equals(firstChart));
  assert.match(await page.locator('#tile-connections').textContent(), /^\d+$/);
  assert.ok(Number(await page.locator('#tile-connections').textContent()) >= 5, 'the test\'s five connections');
  await until('a latency figure', async () => /ms$/.test(await page.locator('#tile-p99').textContent()));
  assert.equal(await page.locator('#tile-cluster').textContent(), 'single node');

  // top destinations: the feed's topics, with their deliveries per second
  await until('the feed among the top destinations, delivering', async () => {
    const top = page.locator('#destinations tbody tr').first();
    const [name, outPerSecond] = await Promise.all([top.locator('td').nth(0).textContent(),
      top.locator('td').nth(4).textContent()]);
    return name.startsWith(`${TOPIC}.`) && Number(outPerSecond.replace(/,/g, '')) > 0;
  });

  // the sessions table lists the test's connections; search finds the victim
  await until('the test sessions listed', async () =>
    (await page.locator('#sessions tbody tr').count()) >= 5);
  await page.getByLabel('Search by id, user or address').fill(victim.sessionId);
  const row = page.locator(`#sessions tbody tr[data-session="${victim.sessionId}"]`);
  await row.waitFor({ timeout: 5_000 });
  await until('the search to narrow the table', async () =>
    (await page.locator('#sessions tbody tr').count()) === 1);
  await page.screenshot({ path: join(SHOTS, `${NAME}.png`), fullPage: true });

  // disconnect: confirm the dialog; the client gets the operator's ERROR
  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: /Disconnect/ }).click();
  await until('the victim to get the ERROR', async () => victim.errors.length > 0);
  assert.equal(victim.errors[0], 'disconnected by an operator: ended from the dashboard');
  await until('the close among the recent closes', async () => {
    const closes = await page.locator('#closes tbody').textContent();
    return closes.includes(victim.sessionId) && closes.includes('admin-disconnect');
  });
  await until('the victim gone from the table', async () => (await row.count()) === 0);
  assert.ok(clients.filter((c) => c !== victim).every((c) => c.errors.length === 0), 'only the chosen one ended');
  await page.getByLabel('Search by id, user or address').fill('');
  await until('every remaining session listed again', async () =>
    (await page.locator('#sessions tbody tr').count()) >= 4);
  await page.screenshot({ path: join(SHOTS, `${NAME}-after-disconnect.png`), fullPage: true });
  assert.deepEqual(problems, [], 'no script errors on the page');
  await context.close();
});
