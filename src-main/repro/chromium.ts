// Headless Debian chromium through playwright-core (npm's browser downloads cannot work here). Used by the
// studies to render charts with the app's own chart code, by the UI benchmark and by the end-to-end tests.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.RAPTR_CHROMIUM || '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** The flags this machine needs: no sandbox as root, no GPU, no background traffic to a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A fresh headless browser (playwright gives each launch its own temporary profile) with these flags. */
export async function launchChromium(args: readonly string[] = CHROMIUM_ARGS): Promise<Browser> {
  if (!hasChromium)
    throw new Error(
      `chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium; or set RAPTR_CHROMIUM)`,
    );
  // playwright-core is a development dependency: the studies and tests need it, the app does not.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: [...args] });
}
