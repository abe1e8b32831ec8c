// End to end in headless Debian chromium against a real `raptr serve` and real (small) training runs: start a
// quickstart run through the form, watch it reach a later stage with the stage bands drawn, compare it with a
// full-training run on the FLOPs axis (and zoom, which re-buckets), export it. Screenshots of every view, in
// light and dark, go to test-results/ for a person to look at.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, openPage, screenshot, type OpenBrowser } from './browser.js';
import { CEILING_MS, waitWhileTraining } from './progress.js';
import { startServe, type Served } from './serve.js';

if (!hasChromium) console.warn('e2e: skipped, /usr/bin/chromium is missing (apt-get install chromium)');

const STEPS = '40';

describe.skipIf(!hasChromium)('RaPTr Studio in a browser', () => {
  let served: Served;
  let chromium: OpenBrowser;
  let browser: Browser;
  let page: Page & { errors: string[] };
  let raptrRunId = '';
  let fullRunId = '';

  beforeAll(async () => {
    served = await startServe();
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await openPage(browser, 'light');
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await served?.stop();
  }, 60_000);

  /** Starts a quickstart-based run through the form and returns its id (from the run page's URL). */
  async function startRunThroughForm(name: string, policy: 'raptr' | 'full', shot?: string): Promise<string> {
    await page.goto(`${served.url}#/new`);
    await expect.poll(() => page.inputValue('[name="training.steps"]')).toBe('400'); // the quickstart preset
    await page.fill('[name="name"]', name);
    await page.fill('[name="training.steps"]', STEPS);
    if (policy !== 'raptr') await page.selectOption('[name="policy.kind"]', policy);
    await page.fill('#run-tags', 'e2e');
    if (shot) await screenshot(page, shot);
    await page.click('button[type="submit"]');
    await page.waitForURL(/#\/run\//, { timeout: 20_000 });
    return decodeURIComponent(new URL(page.url()).hash.replace('#/run/', ''));
  }

  /** Waits, for as long as the run keeps moving, until its page's header shows `status`. */
  async function waitForStatus(id: string, status: string): Promise<void> {
    if (!page.url().endsWith(`#/run/${id}`)) await page.goto(`${served.url}#/run/${id}`);
    const badge = page.locator('.run-header [data-status]').filter({ hasText: status });
    await waitWhileTraining(
      served.url,
      id,
      async () => (await badge.count()) > 0,
      `the page showing ${status}`,
    );
  }

  /** The same address in a dark-scheme page, screenshotted once it shows `ready`. */
  async function darkShot(url: string, ready: string, name: string): Promise<void> {
    const dark = await openPage(browser, 'dark');
    await dark.goto(url);
    await dark.locator(ready).first().waitFor();
    await dark.waitForTimeout(300);
    await screenshot(dark, name);
    expect(dark.errors).toEqual([]);
    await dark.context().close();
  }

  it('creates a quickstart run through the form', async () => {
    await page.goto(`${served.url}#/runs`);
    await page.getByText('No runs yet').waitFor();
    await screenshot(page, 'runs-empty-light');
    await darkShot(`${served.url}#/new`, '[data-testid="schedule"]', 'new-run-dark');
    raptrRunId = await startRunThroughForm('e2e quickstart', 'raptr', 'new-run-light');
    expect(raptrRunId).toMatch(/^[0-9A-Za-z_-]+$/);
    // The schedule editor showed the quickstart stages before the run started (see the screenshot).
    await expect.poll(() => page.textContent('h1')).toBe('e2e quickstart');
    expect(page.errors).toEqual([]);
  }, 60_000);

  it(
    'watches the run reach a later stage with the stages drawn as bands',
    async () => {
      const stage = page.getByTestId('current-stage');
      const stageShown = async () => Number(/stage (\d+)/.exec((await stage.textContent()) ?? '')?.[1] ?? 0);
      await waitWhileTraining(served.url, raptrRunId, async () => (await stageShown()) >= 3, 'stage 3 shown');
      const loss = page.locator('[data-testid="loss-chart"] canvas');
      await expect.poll(() => loss.getAttribute('data-stage-bands')).toBe('stage 1|stage 2|stage 3|stage 4');
      expect(Number(await loss.getAttribute('data-points'))).toBeGreaterThan(0);
      await screenshot(page, 'run-live-light');

      await waitForStatus(raptrRunId, 'completed');
      await expect.poll(() => page.getByTestId('stage-table').locator('tbody tr').count()).toBe(4);
      await expect.poll(() => page.getByTestId('transition-table').locator('tbody tr').count()).toBe(3);
      // The stability monitor: a drop loss for every block at every evaluation, under the same stage bands,
      // and at each change the forecast made before it, beside the realized jump.
      const drops = page.locator('[data-testid="stability-heatmap"] canvas');
      await expect.poll(() => drops.getAttribute('data-stage-bands')).toBe('stage 1|stage 2|stage 3|stage 4');
      expect(Number(await drops.getAttribute('data-points'))).toBeGreaterThanOrEqual(4 * 6);
      // Every canvas stays inside its card (the drop-loss heatmap once grew to its drawn aspect ratio and
      // spilled over the charts below it).
      const spilled = await page.evaluate(`Array.from(document.querySelectorAll('.card canvas'))
        .filter((canvas) => {
          const c = canvas.getBoundingClientRect();
          const card = canvas.closest('.card').getBoundingClientRect();
          return c.bottom > card.bottom + 1 || c.right > card.right + 1;
        })
        .map((canvas) => canvas.closest('[data-testid]')?.getAttribute('data-testid') ?? canvas.className)`);
      expect(spilled).toEqual([]);
      const forecasts = await page.getByTestId('transition-forecast').allTextContents();
      expect(forecasts).toHaveLength(3);
      for (const text of forecasts) expect(text).toMatch(/^\s*[+-]?\d.*at step \d+\)\s*$/);
      await screenshot(page, 'run-done-light');
      const dark = await openPage(browser, 'dark');
      await dark.goto(`${served.url}#/run/${raptrRunId}`);
      await dark.getByTestId('stage-table').waitFor();
      await dark.waitForTimeout(500);
      await screenshot(dark, 'run-done-dark');
      expect(dark.errors).toEqual([]);
      await dark.context().close();
      expect(page.errors).toEqual([]);
    },
    2 * CEILING_MS + 60_000, // two waits on training (stage 3, the end), each as long as the run moves
  );

  it(
    'compares two runs on the FLOPs axis, and re-buckets on zoom',
    async () => {
      fullRunId = await startRunThroughForm('e2e full', 'full');
      await waitForStatus(fullRunId, 'completed');

      await page.goto(`${served.url}#/runs`);
      await screenshot(page, 'runs-light');
      await darkShot(`${served.url}#/runs`, 'tr[data-run-id]', 'runs-dark');
      for (const id of [raptrRunId, fullRunId])
        await page.locator(`tr[data-run-id="${id}"] input[type="checkbox"]`).check();
      await page.getByRole('button', { name: /Compare 2/ }).click();
      await page.waitForURL(/#\/compare\?ids=/);

      expect(await page.inputValue('select[name="x-axis"]')).toBe('flops');
      const train = page.locator('[data-testid="compare-train"] canvas');
      await expect.poll(async () => Number(await train.getAttribute('data-points'))).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('config-diff').textContent()).toContain('policy.kind');
      await expect
        .poll(() => page.getByTestId('target-table').textContent())
        .toMatch(/FLOPs to reach|reference run/);
      await screenshot(page, 'compare-light');

      const ranged: string[] = [];
      page.on('request', (request) => {
        const body = request.postData() ?? '';
        if (request.url().endsWith('/api/metrics:batch') && body.includes('"range"')) ranged.push(body);
      });
      const box = (await train.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
      await page.mouse.wheel(0, -400);
      await expect.poll(() => ranged.length).toBeGreaterThan(0);
      expect((JSON.parse(ranged[0]!) as { queries: unknown[] }).queries[0]).toMatchObject({ xAxis: 'flops' });
      await expect.poll(() => page.getByRole('button', { name: 'Reset zoom' }).isEnabled()).toBe(true);

      const dark = await openPage(browser, 'dark');
      await dark.goto(page.url());
      await expect
        .poll(async () =>
          Number(await dark.locator('[data-testid="compare-train"] canvas').getAttribute('data-points')),
        )
        .toBeGreaterThan(0);
      await screenshot(dark, 'compare-dark');
      await dark.context().close();
      expect(page.errors).toEqual([]);
    },
    CEILING_MS + 120_000,
  );

  it('exports the run as a Hugging Face folder, downloaded or kept on the server, and a chart as PNG', async () => {
    await page.goto(`${served.url}#/run/${raptrRunId}`);
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog');
    await screenshot(page, 'export-dialog-light');
    // In a browser the export is downloaded: a folder format arrives as one .zip.
    const [zip] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      dialog.getByRole('button', { name: 'Export and download' }).click(),
    ]);
    expect(zip.suggestedFilename()).toMatch(/^e2e-quickstart-hf-\d{8}T\d{6}\.zip$/);
    const names = Object.keys(unzipSync(readFileSync((await zip.path())!)));
    expect(names.some((n) => n.endsWith('/config.json'))).toBe(true);
    expect(names.some((n) => n.endsWith('.safetensors'))).toBe(true);

    // Kept on the server: a plain name in the data folder's exports/.
    await dialog.getByLabel('Keep it on the server').check();
    await dialog.locator('input[name="out"]').fill('../outside');
    await expect.poll(() => dialog.getByRole('alert').first().textContent()).toContain('without “/”');
    await dialog.locator('input[name="out"]').fill('exported-hf');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    const out = join(served.folder, 'exports', 'exported-hf');
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json']));
    expect(readdirSync(out).some((f) => f.endsWith('.safetensors'))).toBe(true);
    // The same name again: the dialog says which checkbox replaces it, not a CLI flag.
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toContain('Tick “Replace an earlier export');
    expect(await dialog.textContent()).not.toContain('--force');
    // The refused export replaced the earlier result: nothing was written, so the dialog offers Cancel.
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="loss-chart"]').getByRole('button', { name: 'PNG' }).click(),
    ]);
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(download.suggestedFilename()).toBe('e2e quickstart-loss.png');
    expect(existsSync(join(served.folder, 'exported-hf'))).toBe(false); // never the server's working folder
    expect(page.errors).toEqual([]);
  }, 120_000);
});
