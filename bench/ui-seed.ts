// The database the UI benchmark opens: 20 runs of 100k steps (the compare view, a long run page) and 180
// short ones, so the runs list holds 200 runs. Written through the real ingestor from the synthetic trainer
// stream, as a trainer would.
import { mustParseRunConfig } from '../shared/config/validate.js';
import { createRun, MetricIngestor, openDatabase, setRunStatus, type Db } from '../src-main/store/index.js';
import { trainerStream } from './store-stream.js';

export interface SeededRuns {
  /** The long runs, oldest first. */
  long: string[];
  all: number;
}

function seedRun(db: Db, i: number, steps: number, tags: string[]): string {
  const policy = i % 2 === 0 ? { kind: 'raptr', schedule: { label: '6-8-10-12' } } : { kind: 'full' };
  const config = mustParseRunConfig({
    name: `bench ${i}`,
    task: { kind: 'polynomial' },
    model: { layers: 12 },
    policy,
    training: { steps, evalEvery: Math.max(50, steps / 20) },
  });
  const run = createRun(db, { name: `bench ${i}`, config, appVersion: 'bench', tags });
  const ingestor = new MetricIngestor(db, { maxRows: 20_000 });
  for (const message of trainerStream({ steps, seed: i + 1, evalEvery: Math.max(50, steps / 20) }))
    ingestor.ingest(run.id, message);
  ingestor.close();
  setRunStatus(db, run.id, { status: 'running' });
  setRunStatus(db, run.id, { status: 'completed' });
  return run.id;
}

export function seedBenchDatabase(path: string, longRuns: number, longSteps: number, shortRuns: number) {
  const db = openDatabase(path);
  try {
    const long: string[] = [];
    for (let i = 0; i < longRuns; i++) long.push(seedRun(db, i, longSteps, ['long', `seed:${i % 3}`]));
    for (let i = 0; i < shortRuns; i++) seedRun(db, longRuns + i, 400, [`sweep:${i % 6}`]);
    return { long, all: longRuns + shortRuns } satisfies SeededRuns;
  } finally {
    db.close();
  }
}
