// `raptr bench store`: how fast the store ingests a trainer's message stream and answers chart queries.
// Run directly (node dist/bench/store.js) it prints exactly one JSON object.
import { rmSync, statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  appendSeriesPoints,
  createRun,
  MetricIngestor,
  openDatabase,
  series,
  firstReach,
  recentMasks,
  stageSummary,
  type Db,
  type XAxis,
} from '../src-main/store/index.js';
import { trainerStream } from './store-stream.js';

export interface BenchStoreOptions {
  /** Metric points to ingest through the ingestor (6 per step message, plus evals). */
  ingestPoints?: number;
  /** Points in the one long series the chart queries read. */
  seriesPoints?: number;
  buckets?: number;
  /** Each query runs this many times; the median is reported. */
  repeats?: number;
  /** Database folder; default a temporary folder, removed afterwards. */
  dir?: string;
}

const AXES: readonly XAxis[] = ['step', 'tokens', 'flops', 'wall'];

export async function benchStore(options: BenchStoreOptions = {}): Promise<Record<string, number>> {
  const ingestPoints = options.ingestPoints ?? 1_200_000;
  const seriesPoints = options.seriesPoints ?? 1_000_000;
  const buckets = options.buckets ?? 1000;
  const repeats = options.repeats ?? 9;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'raptr-bench-store-'));
  const path = join(dir, 'bench.db');
  const db = openDatabase(path);
  try {
    const result: Record<string, number> = {};
    Object.assign(result, ingest(db, Math.ceil(ingestPoints / 6)));
    const runId = writeLongSeries(db, seriesPoints);
    result.series_points = seriesPoints;
    result.buckets = buckets;
    for (const xAxis of AXES) {
      result[`series_ms_${xAxis}`] = median(repeats, () =>
        series(db, { runId, keys: ['train/loss'], xAxis, buckets }),
      );
    }
    const [full] = series(db, { runId, keys: ['train/loss'], xAxis: 'flops', buckets });
    const x0 = full!.xFirst[0]!;
    const x1 = full!.xLast[full!.xLast.length - 1]!;
    const zoom: [number, number] = [x0 + (x1 - x0) * 0.4, x0 + (x1 - x0) * 0.5];
    result.series_ms_flops_zoom_10pct = median(repeats, () =>
      series(db, { runId, keys: ['train/loss'], xAxis: 'flops', range: zoom, buckets }),
    );
    result.first_reach_ms = median(repeats, () => firstReach(db, { runId, key: 'train/loss', target: 2.5 }));
    result.recent_masks_ms = median(repeats, () => recentMasks(db, runId, 500));
    result.stage_summary_ms = median(repeats, () => stageSummary(db, runId));
    db.pragma('wal_checkpoint(TRUNCATE)');
    result.file_bytes = statSync(path).size;
    result.file_bytes_per_point = result.file_bytes / (result.ingest_points! + seriesPoints);
    return result;
  } finally {
    db.close();
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** The real ingestor fed a trainer-shaped stream: step messages, stage changes, evals, checkpoints. */
function ingest(db: Db, steps: number): Record<string, number> {
  const run = createRun(db, { name: 'ingest', config: { policy: { kind: 'raptr' } }, appVersion: 'bench' });
  const ingestor = new MetricIngestor(db);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  // Messages are made as they are ingested, one at a time, like a trainer's arriving over IPC (building them
  // all first would measure the garbage collector walking a million live objects).
  let messages = 0;
  for (const message of trainerStream({ steps, evalEvery: 200, checkpointEvery: 5000 })) {
    ingestor.ingest(run.id, message);
    messages++;
  }
  ingestor.close();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    ingest_points: ingestor.stats.points,
    ingest_points_per_s: Math.round(ingestor.stats.points / seconds),
    // On a shared machine wall time includes waiting for a core; CPU time is what the store itself costs.
    ingest_points_per_cpu_s: Math.round(ingestor.stats.points / cpuSeconds),
    ingest_rows_per_s: Math.round(ingestor.stats.rows / seconds),
    ingest_messages_per_s: Math.round(messages / seconds),
    ingest_flushes: ingestor.stats.flushes,
  };
}

/** One run whose train/loss series has `points` points, plus its step rows (for masks and stages). */
function writeLongSeries(db: Db, points: number): string {
  const run = createRun(db, { name: 'long', config: { policy: { kind: 'raptr' } }, appVersion: 'bench' });
  const ingestor = new MetricIngestor(db, { maxRows: 20_000 });
  // Step rows through the ingestor for a prefix, so stage and mask queries have real rows to read.
  const stepMessages = Math.min(points, 20_000);
  for (const message of trainerStream({ steps: points, evalEvery: 0 })) {
    if (message.type === 'step' && message.step >= stepMessages) break;
    ingestor.ingest(run.id, message);
  }
  ingestor.close();
  const chunk = 50_000;
  let batch = [];
  for (const message of trainerStream({ steps: points, evalEvery: 0, fromStep: stepMessages })) {
    if (message.type !== 'step') continue;
    const { step, loss, wallMs, cumFlops, tokens } = message;
    batch.push({ step, value: loss, wallMs, flops: cumFlops, tokens });
    if (batch.length === chunk) {
      appendSeriesPoints(db, { runId: run.id, key: 'train/loss', points: batch });
      batch = [];
    }
  }
  if (batch.length > 0) appendSeriesPoints(db, { runId: run.id, key: 'train/loss', points: batch });
  return run.id;
}

function median(repeats: number, work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 1000) / 1000;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchStore()));
}
