// A tiny trained run for the export tests: a toy corpus, a few training steps with checkpoints, and every
// trainer message recorded in a database the way the app records it (MetricIngestor), so exports read
// real rows: steps, series, events and checkpoints.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import {
  createRun,
  getRun,
  MetricIngestor,
  openDatabase,
  setRunStatus,
  type Db,
  type Run,
} from '../../src-main/store/index.js';
import { trainInNode } from '../../src-main/trainer/node-engine.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'raptr-export-cache-'));

const WORDS =
  'the model reads a long text and learns which word comes next in every line of the old speech about trade war peace law people state nation army money bank tax union'.split(
    ' ',
  );

/** A temporary text corpus: blank-line separated documents of seeded random sentences. Returns its path. */
export function writeCorpus(documents = 120): string {
  const path = join(mkdtempSync(join(tmpdir(), 'raptr-corpus-')), 'corpus.txt');
  const rng = Rng.stream(3, 'corpus');
  const docs: string[] = [];
  for (let d = 0; d < documents; d++) {
    const words = Array.from({ length: 30 + rng.int(30) }, () => WORDS[rng.int(WORDS.length)]!);
    docs.push(`${words.join(' ')}.`);
  }
  writeFileSync(path, docs.join('\n\n'));
  return path;
}

export function mlmConfig(norm: 'pre' | 'post', corpusPath: string, seed = 4) {
  return {
    name: `tiny ${norm}-LN`,
    task: {
      kind: 'mlm',
      corpus: { kind: 'text', path: corpusPath },
      tokenizer: { vocabSize: 80 },
      evalBatches: 1,
      probes: { when: 'never' },
    },
    model: { layers: 2, dModel: 16, heads: 2, ffDim: 32, seqLen: 12, norm },
    policy: { kind: 'full' },
    optimizer: { lr: 1e-2 },
    training: { batchSize: 4, steps: 6, evalEvery: 3, checkpointEvery: 3, seed, backend: 'wasm' },
  };
}

export const polynomialConfig = {
  name: 'tiny polynomial',
  task: { kind: 'polynomial', inputDim: 6, terms: [{ support: [0] }, { support: [1, 2] }], evalSamples: 64 },
  model: { layers: 2, dModel: 8, ffDim: 8 },
  policy: { kind: 'full' },
  training: { batchSize: 8, steps: 4, evalEvery: 2, checkpointEvery: 2, seed: 1, backend: 'wasm' },
};

export interface TrainedRun {
  db: Db;
  dbPath: string;
  run: Run;
  runsDir: string;
  root: string;
  messages: TrainerMessage[];
}

/** Trains `config` into a fresh database under a new temporary folder, recording it as the app does. */
export async function trainedRun(config: Record<string, unknown>): Promise<TrainedRun> {
  const root = mkdtempSync(join(tmpdir(), 'raptr-export-'));
  const runsDir = join(root, 'runs');
  mkdirSync(runsDir);
  const dbPath = join(root, 'raptr.db');
  const db = openDatabase(dbPath);
  // Recorded as the run manager records it: validated, every default written out.
  const recorded = mustParseRunConfig(config) as unknown as Record<string, unknown>;
  const run = createRun(db, {
    name: String(config.name),
    config: recorded,
    appVersion: '0.1.0',
    tags: ['export'],
  });
  setRunStatus(db, run.id, { status: 'running' });
  const ingestor = new MetricIngestor(db);
  const messages: TrainerMessage[] = [];
  await trainInNode(config, {
    emit: (m) => {
      messages.push(m);
      ingestor.ingest(run.id, m);
    },
    control: { stopRequested: () => false, checkpointRequested: () => false },
    outDir: join(runsDir, run.id),
    resume: null,
    cacheDir,
  });
  ingestor.close();
  setRunStatus(db, run.id, { status: 'completed' });
  return { db, dbPath, run: getRun(db, run.id)!, runsDir, root, messages };
}
