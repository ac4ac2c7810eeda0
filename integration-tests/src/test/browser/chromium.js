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
