// The run manager end to end, in headless Debian chromium against a real `raptr serve`: runs trained by a
// second process (`raptr train` on the same database) stream into the open pages; the runs table sorts,
// takes extra columns, groups, renames and tags; the run page's tabs, charts (legend, hover, full screen,
// x-axis and log choices kept in the address, back and forward) and the compare view across tasks with a
// deleted run and a bad target; and what the pages do when the server goes away. Every view is
// screenshotted in light and dark at 1440 and 1024 px into test-results/.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSeriesPoints, openDatabase } from '../../src-main/store/index.js';
import {
  hasChromium,
  launchChromium,
  openPage,
  screenshot,
  screenshotFour,
  type OpenBrowser,
} from './browser.js';
import { callApi, CEILING_MS, waitWhileTraining } from './progress.js';
import { startServe, type Served } from './serve.js';

const root = join(import.meta.dirname, '..', '..');
const poly = (steps: number, policy: Record<string, unknown>) => ({
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy,
  training: { batchSize: 32, steps, evalEvery: 20, checkpointEvery: 100, backend: 'wasm' },
});

describe.skipIf(!hasChromium)('the run manager in a browser', () => {
  let served: Served;
  let chromium: OpenBrowser;
  let browser: Browser;
  let page: Page & { errors: string[] };
  let db = '';
  const ids: Record<string, string> = {};

  /** `raptr train` in a process of its own, on the served database, as a user's terminal would run it. */
  function trainElsewhere(name: string, args: string[], tag: string): Promise<void> {
    const child = spawn(
      process.execPath,
      [join(root, 'bin/raptr.js'), 'train', ...args, '--db', db, '--name', name, '--tag', tag],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`raptr train ${name}: ${stderr}`)),
      ),
    );
  }

  function configFile(name: string, config: unknown): string {
    const path = join(served.folder, `${name}.json`);
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  async function idOf(name: string): Promise<string> {
    const row = page.locator('tr[data-run-id]', { has: page.getByRole('link', { name, exact: true }) });
    await row.waitFor({ timeout: 60_000 });
    return (await row.getAttribute('data-run-id'))!;
  }

  beforeAll(async () => {
    served = await startServe();
    db = join(served.folder, 'runs.db');
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await openPage(browser, 'light', 1440);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await served?.stop();
  }, 60_000);

  it(
    'streams a run that another process trains: the table, then the open run page',
    async () => {
      await page.goto(`${served.url}#/runs`);
      await page.getByText('No runs yet').waitFor();
      const outside = trainElsewhere(
        'outside',
        ['--config', configFile('outside', poly(2000, { kind: 'raptr', schedule: { label: '2-3-4' } }))],
        'sweep',
      );
      ids.outside = await idOf('outside'); // appears without a reload
      await page.getByRole('link', { name: 'outside', exact: true }).click();
      const steps = page.getByTestId('steps-done');
      const stepOf = async () =>
        Number(((await steps.textContent()) ?? '').split('/')[0]!.replace(/\D/g, ''));
      const shown = (atLeast: number) => async () => (await stepOf()) >= atLeast;
      await waitWhileTraining(served.url, ids.outside, shown(1), 'the first steps shown');
      const first = await stepOf();
      // Live, not polled every 5 s: the page follows the steps as the other process commits them.
      await waitWhileTraining(served.url, ids.outside, shown(first + 21), 'later steps shown');
      const loss = page.locator('[data-testid="loss-chart"] canvas');
      await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(10);
      await screenshot(page, 'rm-run-live-light-1440');
      await outside;
      await page.locator('.run-header [data-status="completed"]').waitFor({ timeout: 30_000 });
      expect(await stepOf()).toBe(2000);
      expect(page.errors).toEqual([]);
    },
    2 * CEILING_MS + 60_000,
  );

  it(
    'sorts, adds columns, groups, renames and tags in the runs table',
    async () => {
      await trainElsewhere(
        'full baseline',
        ['--config', configFile('full', poly(200, { kind: 'full' }))],
        'sweep',
      );
      await page.goto(`${served.url}#/runs`);
      ids.full = await idOf('full baseline');
      const bestHeader = page.locator('th', { has: page.getByRole('button', { name: /^Best eval loss/ }) });
      await page.getByRole('button', { name: /^Best eval loss/ }).click();
      await expect.poll(() => bestHeader.getAttribute('aria-sort')).toBe('descending');
      await page.getByRole('button', { name: /^Best eval loss/ }).click();
      await expect.poll(() => bestHeader.getAttribute('aria-sort')).toBe('ascending');
      await expect.poll(() => page.url()).toContain('sort=best.asc');

      await page.getByRole('button', { name: 'Columns' }).click();
      const chooser = page.getByRole('group', { name: 'Columns' });
      await chooser.getByPlaceholder('Find a field or metric').fill('policy.kind');
      await chooser.getByText('policy.kind').click();
      await chooser.getByRole('button', { name: 'Done' }).click();
      await expect
        .poll(() => page.locator(`tr[data-run-id="${ids.full}"] td.extra`).textContent())
        .toBe('full');

      await page.selectOption('select[name="group"]', 'policy');
      await expect.poll(() => page.locator('.group-head').count()).toBe(2);

      const row = page.locator(`tr[data-run-id="${ids.full}"]`);
      await row.hover();
      await row.getByRole('button', { name: 'Rename full baseline' }).click();
      await row.getByRole('textbox').fill('full, renamed');
      await row.getByRole('textbox').press('Enter');
      await expect.poll(() => row.locator('.name a').textContent()).toBe('full, renamed');

      await row.getByRole('checkbox').check();
      await page.locator(`tr[data-run-id="${ids.outside}"]`).getByRole('checkbox').check();
      const bar = page.getByTestId('bulk-bar');
      await bar.getByRole('textbox', { name: /Tag for/ }).fill('keep');
      await bar.getByRole('button', { name: 'Tag', exact: true }).click();
      await expect.poll(() => bar.textContent()).toContain('2 runs tagged “keep”');
      expect(page.errors).toEqual([]);

      const url = page.url();
      await screenshotFour(browser, url, 'tr[data-run-id]', 'rm-runs');
      // At 1024 px every row keeps its actions in view (the table scrolls beneath them).
      const narrow = await openPage(browser, 'light', 1024);
      await narrow.goto(url);
      const del = narrow.locator(`tr[data-run-id="${ids.full}"]`).getByRole('button', { name: 'Delete' });
      await del.waitFor();
      const box = (await del.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1024);
      await narrow.context().close();
    },
    CEILING_MS + 180_000,
  ); // a run trained by another process first, however slowly

  it(
    'shows a run page with its tabs, and charts whose choices go into the address',
    async () => {
      const url = `${served.url}#/run/${ids.outside}`;
      await page.goto(url);
      const loss = page.locator('[data-testid="loss-chart"] canvas');
      await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(10);
      // The title carries the step while the run trains, and drops it once the page sees the run end.
      const ended = page.locator('.run-header [data-status="completed"]');
      await waitWhileTraining(served.url, ids.outside!, () => ended.isVisible(), 'the end of the run shown');
      await expect.poll(() => page.title()).toBe('outside · RaPTr Studio');

      // Hovering shows every series at that x.
      const box = (await loss.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6);
      await expect.poll(() => loss.getAttribute('data-hover')).toBe('train loss|held-out loss');

      // The legend hides the train loss with its band and raw trace; a live update would not bring it back.
      const legend = JSON.parse((await loss.getAttribute('data-legend'))!) as Array<{
        text: string;
        x: number;
        y: number;
      }>;
      const item = legend.find((l) => l.text === 'train loss')!;
      const shown = Number(await loss.getAttribute('data-visible'));
      await page.mouse.click(box.x + item.x, box.y + item.y);
      await expect.poll(() => loss.getAttribute('data-hidden')).toBe('train loss');
      expect(Number(await loss.getAttribute('data-visible'))).toBe(shown - 4);
      await page.mouse.click(box.x + item.x, box.y + item.y);
      await expect.poll(() => loss.getAttribute('data-hidden')).toBe('');

      // Full screen, and Escape back.
      await page.getByRole('button', { name: 'Open Loss full-screen' }).click();
      const figure = page.getByTestId('loss-chart');
      await expect.poll(async () => (await figure.boundingBox())!.width).toBeGreaterThan(1300);
      await page.keyboard.press('Escape');
      await expect.poll(async () => (await figure.boundingBox())!.width).toBeLessThan(1000);

      // The x-axis and log choices go into the address; back and forward restore them.
      await page.getByRole('combobox', { name: 'x-axis of Loss' }).selectOption('flops');
      await expect.poll(() => page.url()).toContain('c.loss=flops');
      await expect.poll(async () => Number(await loss.getAttribute('data-points'))).toBeGreaterThan(10);
      await page.getByTestId('eval-chart-loss').getByRole('checkbox', { name: 'log y' }).uncheck();
      await expect.poll(() => page.url()).toContain('c.eval-loss=step%2Clin');
      await page.goBack();
      await expect.poll(() => page.url()).not.toContain('c.eval-loss');
      await page.goBack();
      await expect
        .poll(() => page.getByRole('combobox', { name: 'x-axis of Loss' }).inputValue())
        .toBe('step');
      await page.goForward();
      await expect
        .poll(() => page.getByRole('combobox', { name: 'x-axis of Loss' }).inputValue())
        .toBe('flops');
      await screenshotFour(
        browser,
        page.url(),
        '[data-testid="loss-chart"] canvas[data-points]',
        'rm-run-charts',
      );

      // The other tabs.
      await page.getByRole('tab', { name: 'Config' }).click();
      await expect.poll(() => page.getByTestId('run-config').textContent()).toContain('schedule.label');
      await expect.poll(() => page.url()).toContain('tab=config');
      await page.getByRole('tab', { name: /Checkpoints/ }).click();
      await expect.poll(() => page.getByTestId('checkpoints').locator('tbody tr').count()).toBeGreaterThan(1);
      await page.getByRole('tab', { name: /Log/ }).click();
      await page.getByTestId('run-log').waitFor();
      for (const tab of ['config', 'checkpoints', 'log'])
        await screenshotFour(
          browser,
          `${served.url}#/run/${ids.outside}?tab=${tab}`,
          '[role="tabpanel"] .card',
          `rm-run-${tab}`,
        );

      // The trainer in the other process sampled its CPU and memory every 5 s: drawn, with no GPU lines.
      await page.getByRole('tab', { name: 'Charts' }).click();
      const detail = await callApi<{ summary: { wallMs: number } }>(served.url, 'runs:get', {
        id: ids.outside,
      });
      const systemPoints = (id: string) =>
        page.locator(`[data-testid="${id}"] canvas`).getAttribute('data-points').then(Number);
      const legendOf = async (id: string) =>
        (
          JSON.parse(
            (await page.locator(`[data-testid="${id}"] canvas`).getAttribute('data-legend'))!,
          ) as Array<{
            text: string;
          }>
        ).map((l) => l.text);
      if (detail.summary.wallMs > 10_000) {
        await page.getByTestId('system-use').scrollIntoViewIfNeeded(); // charts are made as they near the screen
        await expect.poll(() => systemPoints('system-use'), { timeout: 30_000 }).toBeGreaterThan(0);
        expect(await legendOf('system-use')).toEqual(['CPU %']);
      }

      // A run that never trained says it has no system metrics; points written through the store (as a trainer
      // writes them) are all drawn: CPU and memory, no GPU lines on a CPU run.
      const idle = await callApi<{ id: string }>(served.url, 'runs:create', {
        config: poly(100, { kind: 'full' }),
        name: 'never started',
        start: false,
      });
      await page.goto(`${served.url}#/run/${idle.id}`);
      await expect.poll(() => page.getByTestId('system-none').textContent()).toContain('No system metrics');
      const store = openDatabase(db);
      try {
        const sampled = (value: (i: number) => number) =>
          [...Array(20).keys()].map((i) => ({
            step: i * 100,
            value: value(i),
            wallMs: i * 2000,
            flops: i * 1e6,
            tokens: i * 3200,
          }));
        appendSeriesPoints(store, {
          runId: idle.id,
          key: 'system/cpu_percent',
          points: sampled((i) => 150 + i),
        });
        appendSeriesPoints(store, {
          runId: idle.id,
          key: 'system/rss_mb',
          points: sampled((i) => 400 + 5 * i),
        });
      } finally {
        store.close();
      }
      await page.reload();
      await page.getByTestId('system-use').scrollIntoViewIfNeeded();
      for (const id of ['system-use', 'system-memory'])
        await expect.poll(() => systemPoints(id), { timeout: 30_000 }).toBe(20);
      expect(await legendOf('system-use')).toEqual(['CPU %']);
      expect(await page.getByTestId('system-none').count()).toBe(0);
      await screenshotFour(browser, page.url(), '[data-testid="system-use"]', 'rm-run-system', (p) =>
        p.getByTestId('system-use').scrollIntoViewIfNeeded(),
      );
      await screenshotFour(browser, page.url(), '[data-testid="loss-chart"]', 'rm-export-dialog', (p) =>
        p.getByRole('button', { name: 'Export…' }).click(),
      );
      expect(page.errors).toEqual([]);
    },
    CEILING_MS + 300_000,
  ); // it may wait for the other process to finish the run

  it(
    'compares runs of two tasks in groups, around a deleted run, refusing a bad target',
    async () => {
      await trainElsewhere(
        'mlm',
        ['--preset', 'quickstart', '--set', 'steps=30', '--set', 'evalEvery=10'],
        'mixed',
      );
      await page.goto(`${served.url}#/runs`);
      ids.mlm = await idOf('mlm');
      const url = `${served.url}#/compare?ids=${ids.outside},${ids.full},${ids.mlm},r-was-deleted`;
      await page.goto(url);
      await expect.poll(() => page.getByTestId('missing-runs').textContent()).toContain('r-was-deleted');
      await expect.poll(() => page.getByTestId('task-note').textContent()).toContain('different tasks');
      const polyGroup = page.getByTestId('compare-group-polynomial');
      const mlmGroup = page.getByTestId('compare-group-mlm');
      for (const group of [polyGroup, mlmGroup]) {
        await group.locator('[data-testid="compare-eval"]').scrollIntoViewIfNeeded(); // made as they near the screen
        await expect
          .poll(async () =>
            Number(await group.locator('[data-testid="compare-eval"] canvas').getAttribute('data-points')),
          )
          .toBeGreaterThan(0);
      }
      await polyGroup.getByLabel(/^target/).fill('abc');
      await polyGroup.getByRole('button', { name: 'Compute' }).click();
      await expect.poll(() => polyGroup.getByRole('alert').textContent()).toContain('“abc” is not a number');
      await polyGroup.getByRole('combobox', { name: /Metric/ }).selectOption('train/loss');
      await expect.poll(() => page.url()).toContain('key=train%2Floss');
      await screenshotFour(
        browser,
        page.url(),
        '[data-testid="compare-train"] canvas[data-points]',
        'rm-compare',
      );

      // At 1024 px nothing spills out of the page sideways; in a window too narrow for the config diff, the
      // diff scrolls on its own with the field names kept in view.
      await page.setViewportSize({ width: 1024, height: 900 });
      const pageOverflow = () =>
        page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      await expect.poll(pageOverflow).toBeLessThanOrEqual(0);
      const compareUrl = page.url();
      await page.goto(`${served.url}#/runs`);
      const actions = page.locator('tr[data-run-id]').first().getByRole('button', { name: 'Delete' });
      await actions.waitFor();
      expect(await pageOverflow()).toBeLessThanOrEqual(0);
      const box = (await actions.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1024); // the row's actions stay on screen
      await page.goto(`${served.url}#/run/${ids.outside}`);
      await page.getByRole('button', { name: 'Export…' }).waitFor();
      expect(await pageOverflow()).toBeLessThanOrEqual(0);
      await page.goto(compareUrl);
      await page.setViewportSize({ width: 560, height: 900 });
      const diff = page.getByTestId('config-diff');
      await diff.scrollIntoViewIfNeeded();
      const scroller = diff.locator('.scroll');
      await expect
        .poll(() => scroller.evaluate((el) => el.scrollWidth - el.clientWidth))
        .toBeGreaterThan(100);
      const field = diff.locator('tbody th.field').first();
      const value = diff.locator('tbody td.value').first();
      const [fieldBefore, valueBefore] = [(await field.boundingBox())!.x, (await value.boundingBox())!.x];
      await scroller.evaluate((el) => el.scrollBy({ left: 100 }));
      await expect.poll(async () => (await value.boundingBox())!.x).toBeLessThan(valueBefore - 50);
      expect((await field.boundingBox())!.x).toBeCloseTo(fieldBefore, 0);
      await screenshot(page, 'rm-compare-diff-scrolled-light-560');
      await page.setViewportSize({ width: 1440, height: 900 });
      expect(page.errors).toEqual([]);
    },
    CEILING_MS + 240_000,
  ); // likewise

  it('keeps the last data and waits visibly when the server goes away', async () => {
    const runPage = await openPage(browser, 'light', 1440);
    await runPage.goto(`${served.url}#/run/${ids.outside}`);
    await runPage.getByTestId('loss-chart').waitFor();
    await page.goto(`${served.url}#/runs`);
    await page.locator('tr[data-run-id]').first().waitFor();
    const rows = await page.locator('tr[data-run-id]').count();
    await served.stop();
    for (const p of [page, runPage]) await p.getByTestId('offline-banner').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('offline-banner').textContent()).not.toContain('keep training');
    expect(await page.locator('tr[data-run-id]').count()).toBe(rows);
    expect(await page.getByText('No runs yet').count()).toBe(0);
    expect(
      await page.locator('tr[data-run-id]').first().getByRole('button', { name: 'Delete' }).isDisabled(),
    ).toBe(true);
    expect(await runPage.getByRole('button', { name: 'Export…' }).isDisabled()).toBe(true);
    await screenshot(page, 'rm-offline-runs-light-1440');
    await screenshot(runPage, 'rm-offline-run-light-1440');
    await runPage.context().close();
  }, 90_000);
});
