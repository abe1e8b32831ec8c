// `npm run bench:ui`: how long the compare view takes in headless Chromium for 20 runs of 100k steps each,
// against a real `raptr serve` over a database seeded with the synthetic trainer stream. Prints one JSON
// object: opening the view (navigation to both charts drawn), drawing it inside the loaded app (from the
// runs list to both charts drawn, as clicking Compare does), switching the x-axis (re-fetch and redraw of
// every run), and a re-bucket on zoom (wheel to redrawn with the new range's min/max buckets). Target: each
// under 200 ms, except opening, which includes loading the page.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../src-main/repro/chromium.js';
import { mustParseRunConfig } from '../shared/config/validate.js';
import { createRun, MetricIngestor, openDatabase, setRunStatus } from '../src-main/store/index.js';
import { trainerStream } from './store-stream.js';

const RUNS = 20;
const STEPS = Number(process.env.BENCH_STEPS ?? 100_000);
const root = join(import.meta.dirname, '..', '..');

function seed(path: string): string[] {
  const db = openDatabase(path);
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const policy = i % 2 === 0 ? { kind: 'raptr', schedule: { label: '6-8-10-12' } } : { kind: 'full' };
    const config = mustParseRunConfig({
      name: `bench ${i}`,
      task: { kind: 'polynomial' },
      model: { layers: 12 },
      policy,
      training: { steps: STEPS, evalEvery: 5000 },
    });
    const run = createRun(db, { name: `bench ${i}`, config, appVersion: 'bench' });
    const ingestor = new MetricIngestor(db, { maxRows: 20_000 });
    for (const message of trainerStream({ steps: STEPS, seed: i + 1, evalEvery: 5000 }))
      ingestor.ingest(run.id, message);
    ingestor.close();
    setRunStatus(db, run.id, { status: 'running' });
    setRunStatus(db, run.id, { status: 'completed' });
    ids.push(run.id);
  }
  db.close();
  return ids;
}

async function serve(dbPath: string) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'raptr.js'), 'serve', '--port', '0', '--db', dbPath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`raptr serve exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** The slice of the page's DOM the predicate reads (bench/ compiles without the DOM library). */
type PageDocument = {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
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

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'raptr-bench-ui-'));
  const server = { stop: () => true as boolean };
  const browser = await launchChromium();
  try {
    const seedStart = performance.now();
    const ids = seed(join(folder, 'runs.db'));
    const seedMs = performance.now() - seedStart;
    const served = await serve(join(folder, 'runs.db'));
    server.stop = served.stop;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

    const openStart = performance.now();
    await page.goto(`${served.url}#/compare?ids=${ids.join(',')}`);
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
    const fetchMs = Number(
      /Re-bucketed in (\d+) ms/.exec((await page.textContent('.hint')) ?? '')?.[1] ?? NaN,
    );

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

    const result = {
      runs: RUNS,
      steps_per_run: STEPS,
      seed_ms: Math.round(seedMs),
      open_compare_ms: Math.round(openMs),
      draw_compare_in_app_ms: Math.round(drawMs),
      switch_axis_ms: Math.round(axisMs),
      rebucket_on_zoom_ms: Math.round(zoomMs),
      rebucket_fetch_ms: fetchMs,
      target_ms: 200,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await browser.close();
    server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
