// Metric exports as CSV, exact (every stored point, numbers printed so they read back to the same double):
// - long: run_id,key,step,value,wall_ms,flops,tokens, one row per point, ordered by key then step;
// - wide: one row per step, the per-step columns (stage, active blocks, mask, x-axes, full-training FLOPs)
//   then one column per metric key; an empty cell where a key has no point at that step (evals are sparse).
// A value the trainer reported as NaN is written NaN, infinities as Infinity / -Infinity (what pandas and
// JavaScript's Number() read back).
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { allSeries, allSteps, mustGetRun, runPointPages, type Db } from '../../store/index.js';

export const LONG_HEADER = ['run_id', 'key', 'step', 'value', 'wall_ms', 'flops', 'tokens'];
const STEP_COLUMNS = ['stage', 'active', 'mask', 'wall_ms', 'flops', 'full_flops', 'tokens'];

export function csvNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'NaN';
  return String(value); // shortest text that reads back to the same double; Infinity / -Infinity as is
}

/** RFC 4180 quoting, only where needed. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const stream: WriteStream = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (const line of lines) {
    // Respect back-pressure: millions of rows must not pile up in memory.
    if (!stream.write(`${line}\n`)) await once(stream, 'drain'); // rejects if the stream fails meanwhile
  }
  stream.end();
  await done;
}

export async function writeLongCsv(db: Db, runId: string, path: string): Promise<number> {
  const run = mustGetRun(db, runId);
  let rows = 0;
  function* lines(): Generator<string> {
    yield LONG_HEADER.join(',');
    const id = csvField(run.id);
    for (const page of runPointPages(db, run.id))
      for (const p of page) {
        rows++;
        yield [id, csvField(p.key), p.step, csvNumber(p.value), p.wallMs, p.flops, p.tokens].join(',');
      }
  }
  await writeLines(path, lines());
  return rows;
}

export async function writeWideCsv(db: Db, runId: string, path: string): Promise<number> {
  const run = mustGetRun(db, runId);
  const series = allSeries(db, run.id);
  const keys = Object.keys(series).sort();
  const byStep = new Map<number, { x: string[]; values: Map<string, number | null> }>();
  const row = (step: number) => {
    let found = byStep.get(step);
    if (!found) byStep.set(step, (found = { x: [], values: new Map() }));
    return found;
  };
  for (const s of allSteps(db, run.id))
    row(s.step).x = [s.stage, s.active, s.mask, s.wallMs, s.flops, s.fullFlops, s.tokens].map(String);
  for (const key of keys)
    for (const p of series[key]!) {
      const r = row(p.step);
      r.values.set(key, p.value);
      // A step with points but no step row (an eval at the end, say) still gets its x-axes.
      if (r.x.length === 0) r.x = ['', '', '', String(p.wallMs), String(p.flops), '', String(p.tokens)];
    }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  function* lines(): Generator<string> {
    yield ['step', ...STEP_COLUMNS, ...keys.map(csvField)].join(',');
    for (const step of steps) {
      const r = byStep.get(step)!;
      const values = keys.map((k) => (r.values.has(k) ? csvNumber(r.values.get(k)!) : ''));
      yield [String(step), ...r.x.map(csvField), ...values].join(',');
    }
  }
  await writeLines(path, lines());
  return steps.length;
}
