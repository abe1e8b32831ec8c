// Headless Debian chromium through playwright-core (npm's browser downloads cannot work here). Each launch
// gets a fresh, temporary profile from playwright itself (it refuses an explicit --user-data-dir). Screenshots go to test-results/ (gitignored) for a person to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium as launch } from '../../src-main/repro/chromium.js';

export { CHROMIUM, hasChromium } from '../../src-main/repro/chromium.js';
export const RESULTS = join(import.meta.dirname, '..', '..', 'test-results');

export interface OpenBrowser {
  browser: Browser;
  close: () => Promise<void>;
}

export async function launchChromium(): Promise<OpenBrowser> {
  const browser = await launch();
  return { browser, close: () => browser.close() };
}

/** A page in the given colour scheme that fails the test on any console error or uncaught exception. */
export async function openPage(
  browser: Browser,
  scheme: 'light' | 'dark' = 'light',
  width = 1400,
): Promise<Page & { errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: scheme,
    acceptDownloads: true,
  });
  const page = (await context.newPage()) as Page & { errors: string[] };
  // Clicks and waits give a view as long to appear as a test's own polls: on a loaded two-core machine a
  // run page with its charts took longer than Playwright's 30 s to show its header after a navigation.
  page.setDefaultTimeout(90_000);
  page.errors = [];
  // Each error names the address it happened at: pages are shared across a file's tests.
  page.on('pageerror', (error) => page.errors.push(`${String(error)} (at ${page.url()})`));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(`${message.text()} (at ${page.url()})`);
  });
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  // A page drawing live steps on a loaded machine can take well over Playwright's 30 s to give a frame.
  await page.screenshot({ path, fullPage: true, timeout: 120_000 });
  return path;
}

/**
 * The same address in light and dark at 1440 and 1024 px, each screenshotted once `ready` shows; fails on
 * any console error. `prepare` runs on each page first (open a tab, a dialog).
 */
export async function screenshotFour(
  browser: Browser,
  url: string,
  ready: string,
  name: string,
  prepare?: (page: Page) => Promise<void>,
): Promise<void> {
  for (const scheme of ['light', 'dark'] as const)
    for (const width of [1440, 1024]) {
      const page = await openPage(browser, scheme, width);
      await page.goto(url);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      if (prepare) await prepare(page);
      await page.waitForTimeout(400);
      await screenshot(page, `${name}-${scheme}-${width}`);
      const errors = page.errors;
      await page.context().close();
      if (errors.length > 0) throw new Error(`${name} (${scheme}, ${width}px): ${errors.join('; ')}`);
    }
}
