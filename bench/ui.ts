// `npm run bench:ui`: the UI in headless Chromium against a real server over a database seeded with the
// synthetic trainer stream (20 runs of 100k steps, 180 short ones). Prints one JSON object:
// - runs_list_first_screen_ms: a cold page load of the runs list (200 runs) to its first screen of rows drawn
//   (the table draws the first 30 rows, then the rest right after that paint), runs_list_cold_ms to all 200
//   rows in the page (target 200 ms);
// - run_page_cold_ms: a cold page load of a 100k-step run to its loss chart drawn (target 300 ms);
// - each cold load twice: `_ms` is the harness's wall time from asking for the page to seeing the content
//   (Playwright's round trips to the browser included), `_in_page_ms` the page's own clock from its
//   navigation start to the animation frame the content is in, as browsers' load metrics count;
// - the compare view with the 20 long runs: opening it (navigation to both charts drawn), drawing it inside
//   the loaded app (as clicking Compare does), switching the x-axis, re-bucketing on zoom (target 200 ms).
// BENCH_BASELINE=<git revision> also measures that revision's renderer against the same server and data in
// the same run, and prints the ratios (today / baseline): on a shared, loaded machine only ratios measured
// together mean anything.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../src-main/repro/chromium.js';
import { buildBaselineRenderer } from './ui-baseline.js';
import { seedBenchDatabase, type SeededRuns } from './ui-seed.js';

const LONG_RUNS = 20;
const SHORT_RUNS = 180;
const STEPS = Number(process.env.BENCH_STEPS ?? 100_000);
/** Cold loads are short and noisy: the median of this many. */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const root = join(import.meta.dirname, '..', '..');

async function serve(dbPath: string, staticDir: string) {
  const child = spawn(process.execPath, [join(root, 'dist', 'bench', 'ui-serve.js'), dbPath, staticDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the benchmark server exited (${code})`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

interface Server {
  url: string;
  pid: number;
}

/** CPU milliseconds a process has used so far (Linux /proc; utime + stime, 10 ms ticks). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The slice of the page's DOM the predicates read (bench/ compiles without the DOM library). */
type PageDocument = {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

/** Until the compare page has landed `count` curve fetches (the charts redraw in the same flush). */
function fetchesAtLeast(count: number): boolean {
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  const fetches = Number(doc.querySelector('[data-fetches]')?.getAttribute('data-fetches') ?? 0);
  const points = Number(
    doc.querySelector('[data-testid="compare-train"] canvas')?.getAttribute('data-points') ?? 0,
  );
  return fetches >= count && points > 0;
}

/** Until the runs table shows `rows` runs. */
function rowsAtLeast(rows: number): boolean {
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  return doc.querySelectorAll('tr[data-run-id]').length >= rows;
}

/** Until the run page's loss chart has drawn points. */
function lossDrawn(_unused: number): boolean {
  const doc = (globalThis as unknown as { document: PageDocument }).document;
  const points = Number(
    doc.querySelector('[data-testid="loss-chart"] canvas')?.getAttribute('data-points') ?? 0,
  );
  return points > 0;
}

/**
 * Runs in the page before its own scripts: checks each condition at every animation frame and keeps the
 * page's clock (ms since its navigation started) at the first frame it held in, in `__firstFrames`. The
 * time to content as the page saw it, from its first frame on: the harness's own polling starts only once
 * navigation has finished and goes through round trips to the browser.
 */
function recordFirstFrames(ready: (arg: number) => boolean, args: number[]): void {
  const page = globalThis as unknown as {
    __firstFrames: number[];
    requestAnimationFrame(callback: () => void): void;
  };
  const firsts = args.map(() => 0);
  page.__firstFrames = firsts;
  const tick = () => {
    args.forEach((arg, i) => {
      if (firsts[i] === 0 && ready(arg)) firsts[i] = performance.now();
    });
    if (firsts.includes(0)) page.requestAnimationFrame(tick);
  };
  page.requestAnimationFrame(tick);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Fresh pages (cold: no cache) loading each server's `path` until each `ready` condition holds in turn,
 * REPEATS times, the servers alternating within each repeat so that load on the shared machine drifts over
 * both alike. Per server and condition: the median wall time, and the median CPU time the load cost (the
 * page's main thread, from Chrome's ThreadTime, plus the server process): the CPU figure hardly moves with
 * the machine's load, the wall time does.
 */
async function coldLoads(
  browser: Browser,
  servers: Server[],
  path: string,
  ready: (arg: number) => boolean,
  args: number[],
): Promise<Array<Array<{ wall: number; inPage: number; cpu: number }>>> {
  const samples = servers.map(() =>
    args.map(() => ({ wall: [] as number[], inPage: [] as number[], cpu: [] as number[] })),
  );
  for (let r = 0; r < REPEATS; r++)
    for (const [s, server] of servers.entries()) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript({ content: `(${recordFirstFrames})(${ready}, ${JSON.stringify(args)})` });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const threadMs = async () => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0) * 1000;
      };
      const pageStart = await threadMs();
      const serverStart = processCpuMs(server.pid);
      const start = performance.now();
      await page.goto(`${server.url}${path}`);
      for (const [j, arg] of args.entries()) {
        await page.waitForFunction(ready, arg, { polling: 'raf', timeout: 60_000 });
        samples[s]![j]!.wall.push(performance.now() - start);
        const firsts = await page.evaluate(
          () => (globalThis as unknown as { __firstFrames: number[] }).__firstFrames,
        );
        samples[s]![j]!.inPage.push(firsts[j]!);
        samples[s]![j]!.cpu.push((await threadMs()) - pageStart + processCpuMs(server.pid) - serverStart);
      }
      await context.close();
    }
  return samples.map((perArg) =>
    perArg.map(({ wall, inPage, cpu }) => ({
      wall: Math.round(median(wall)),
      inPage: Math.round(median(inPage)),
      cpu: Math.round(median(cpu)),
    })),
  );
}

async function compareScenario(page: Page, url: string, ids: string[]) {
  const openStart = performance.now();
  await page.goto(`${url}#/compare?ids=${ids.join(',')}`);
  await page.waitForFunction(fetchesAtLeast, 1, { polling: 'raf', timeout: 60_000 });
  const openMs = performance.now() - openStart;

  const axisStart = performance.now();
  await page.selectOption('select[name="x-axis"]', 'step');
  await page.waitForFunction(fetchesAtLeast, 2, { polling: 'raf' });
  const axisMs = performance.now() - axisStart;

  const box = (await page.locator('[data-testid="compare-train"] canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  const zoomStart = performance.now();
  await page.mouse.wheel(0, -300);
  await page.waitForFunction(fetchesAtLeast, 3, { polling: 'raf' });
  const zoomMs = performance.now() - zoomStart;

  // In the loaded app: from the runs list back to the compare view, a fresh mount of both charts.
  const compareHash = `#/compare?ids=${ids.join(',')}`;
  await page.evaluate(
    () => ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/runs'),
  );
  await page.locator('[data-testid="compare-train"]').waitFor({ state: 'detached' });
  const drawStart = performance.now();
  await page.evaluate(
    (hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash),
    compareHash,
  );
  await page.waitForFunction(fetchesAtLeast, 1, { polling: 'raf', timeout: 60_000 });
  const drawMs = performance.now() - drawStart;
  return {
    open_compare_ms: Math.round(openMs),
    draw_compare_in_app_ms: Math.round(drawMs),
    switch_axis_ms: Math.round(axisMs),
    rebucket_on_zoom_ms: Math.round(zoomMs),
  };
}

/**
 * Seeding 2M steps takes minutes; the seeded file is kept in dist/bench-cache and copied for each run
 * (the servers may write to their copy: start-up recovery, nothing the figures depend on).
 */
function cachedSeed(dbPath: string): SeededRuns {
  const cacheDir = join(root, 'dist', 'bench-cache');
  const cached = join(cacheDir, `ui-${LONG_RUNS}x${STEPS}-${SHORT_RUNS}.db`);
  const ids = `${cached}.json`;
  if (!existsSync(ids)) {
    mkdirSync(cacheDir, { recursive: true });
    rmSync(cached, { force: true });
    const seeded = seedBenchDatabase(cached, LONG_RUNS, STEPS, SHORT_RUNS);
    writeFileSync(ids, JSON.stringify(seeded));
  }
  copyFileSync(cached, dbPath);
  return JSON.parse(readFileSync(ids, 'utf8')) as SeededRuns;
}

type Figures = Record<string, number>;

/** Every scenario, each run on every server in turn, so a burst of load on the shared machine does not
 * land on one side only. */
async function measureAll(browser: Browser, servers: Server[], ids: string[], runCount: number) {
  const figures: Figures[] = servers.map(() => ({}));
  const lists = await coldLoads(browser, servers, '#/runs', rowsAtLeast, [30, runCount]);
  const pages = await coldLoads(browser, servers, `#/run/${ids[0]}`, lossDrawn, [0]);
  for (const [i, [firstScreen, all]] of lists.entries()) {
    figures[i]!.runs_list_first_screen_ms = firstScreen!.wall;
    figures[i]!.runs_list_first_screen_in_page_ms = firstScreen!.inPage;
    figures[i]!.runs_list_cold_ms = all!.wall;
    figures[i]!.runs_list_cold_in_page_ms = all!.inPage;
    figures[i]!.runs_list_cold_cpu_ms = all!.cpu;
    figures[i]!.run_page_cold_ms = pages[i]![0]!.wall;
    figures[i]!.run_page_cold_in_page_ms = pages[i]![0]!.inPage;
    figures[i]!.run_page_cold_cpu_ms = pages[i]![0]!.cpu;
  }
  const urls = servers.map((s) => s.url);
  // The compare scenario, repeated and alternated between the servers; the median of each figure.
  const compares: Array<Array<Record<string, number>>> = urls.map(() => []);
  for (let r = 0; r < Math.max(1, Math.ceil(REPEATS / 2)); r++)
    for (const [i, url] of urls.entries()) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      compares[i]!.push(await compareScenario(page, url, ids));
      await page.close();
    }
  for (const [i, runs] of compares.entries())
    for (const key of Object.keys(runs[0]!))
      figures[i]![key] = Math.round(median(runs.map((figures) => figures[key]!)));
  return figures;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'raptr-bench-ui-'));
  const stops: Array<() => unknown> = [];
  const browser = await launchChromium();
  try {
    const baselineRevision = process.env.BENCH_BASELINE;
    const baselineDir = baselineRevision ? buildBaselineRenderer(root, baselineRevision) : null;
    const seedStart = performance.now();
    const dbPath = join(folder, 'runs.db');
    const seeded = cachedSeed(dbPath);
    const seedMs = performance.now() - seedStart;
    const today = await serve(dbPath, join(root, 'dist', 'renderer'));
    stops.push(today.stop);
    const baseline = baselineDir ? await serve(dbPath, baselineDir) : null;
    if (baseline) stops.push(baseline.stop);

    const servers = baseline ? [today, baseline] : [today];
    const [todayFigures, baselineFigures] = await measureAll(browser, servers, seeded.long, seeded.all);
    const result: Record<string, unknown> = {
      runs: seeded.all,
      long_runs: LONG_RUNS,
      steps_per_long_run: STEPS,
      seed_ms: Math.round(seedMs),
      repeats: REPEATS,
      targets_ms: { runs_list_cold_ms: 200, run_page_cold_ms: 300, compare: 200 },
      load_average: loadavg().map((l) => Number(l.toFixed(1))),
      today: todayFigures!,
    };
    if (baselineFigures) {
      result.baseline = { revision: baselineRevision, ...baselineFigures };
      result.ratio_today_over_baseline = Object.fromEntries(
        Object.entries(todayFigures!).map(([key, value]) => [
          key,
          Number((value / baselineFigures[key]!).toFixed(2)),
        ]),
      );
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await browser.close();
    for (const stop of stops) stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
