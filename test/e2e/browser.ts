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
): Promise<Page & { errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    colorScheme: scheme,
    acceptDownloads: true,
  });
  const page = (await context.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
