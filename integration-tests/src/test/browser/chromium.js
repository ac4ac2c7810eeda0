// What the browser suites share: Debian's Chromium through playwright-core (never a
// downloaded browser), and waiting on a condition instead of sleeping.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
}

/** Polls check() every 100 ms until it returns something truthy, or fails naming what. */
export async function until(what, check, millis = 10_000) {
  const deadline = Date.now() + millis;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/**
 * A page of its own (a fresh context, 1280×900) at url; page.problems collects the
 * script errors it raises.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const opened = await context.newPage();
  opened.problems = [];
  opened.on('pageerror', (error) => opened.problems.push(error.message));
  await opened.goto(url);
  return opened;
}

/** Opens the demo chat at url and joins room as nickname, connected. */
export async function enterChat(browser, url, nickname, room) {
  const chat = await openPage(browser, url);
  await chat.getByLabel('Nickname').fill(nickname);
  await chat.getByRole('textbox', { name: 'Room' }).fill(room);
  await chat.getByRole('button', { name: 'Join' }).click();
  await chat.getByRole('status').filter({ hasText: 'connected as' }).waitFor({ timeout: 10_000 });
  return chat;
}
