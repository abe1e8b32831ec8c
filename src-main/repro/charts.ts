// Charts for the study reports, drawn by the app's own renderer: the study serves its database with the
// same server as `raptr serve`, opens the view a reader would open in headless chromium, and saves the
// chart's card as a PNG.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunManager } from '../runs/run-manager.js';
import { startServer } from '../server/index.js';
import { launchChromium } from './chromium.js';

export interface ChartShot {
  /** The app's hash route, e.g. "#/compare?ids=a,b&key=eval/mlm_loss". */
  hash: string;
  /** data-testid of the card to capture. */
  testId: string;
  /** PNG path. */
  file: string;
  scheme?: 'light' | 'dark';
}

export interface ChartCapture {
  shoot(shot: ChartShot): Promise<string>;
  close(): Promise<void>;
}

export async function openChartCapture(manager: RunManager, databasePath: string): Promise<ChartCapture> {
  const server = await startServer({ manager, databasePath, host: '127.0.0.1', port: 0 });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
  const pages = new Map<string, Page>();
  const pageFor = async (scheme: 'light' | 'dark') => {
    let page = pages.get(scheme);
    if (!page) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: scheme,
        deviceScaleFactor: 1.5,
      });
      page = await context.newPage();
      pages.set(scheme, page);
    }
    return page;
  };
  return {
    async shoot({ hash, testId, file, scheme = 'light' }) {
      const page = await pageFor(scheme);
      await page.goto(`${server.url}${hash}`);
      const card = page.locator(`[data-testid="${testId}"]`).first();
      await card.waitFor({ state: 'visible', timeout: 30_000 });
      await card.scrollIntoViewIfNeeded(); // the app makes a chart when its canvas nears the screen
      // Charts say how many points they drew; wait until something is drawn and the page is quiet.
      await page
        .waitForFunction(
          (id) => {
            const doc = (
              globalThis as unknown as {
                document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
              }
            ).document;
            const canvas = doc.querySelector(`[data-testid="${id}"] canvas`);
            return !canvas || Number(canvas.getAttribute('data-points') ?? '0') > 0;
          },
          testId,
          { timeout: 30_000 },
        )
        .catch(() => undefined); // a chart with nothing to draw still gets its picture taken
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      mkdirSync(dirname(file), { recursive: true });
      await card.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
