// The study runner with a real (tiny) study: it trains through the run manager into the given database,
// tags the runs, writes the report with its header, and with --reuse neither retrains a completed run nor
// starts over a halted one (it resumes it).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { runStudy, type StudyOptions } from '../../src-main/repro/runner.js';
import type { RunConfigInput } from '../../shared/config/schema.js';
import type { Study } from '../../src-main/repro/study.js';
import { getRun, latestStep, listRuns, openDatabase } from '../../src-main/store/index.js';

const config = {
  name: 'tiny seed 0',
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  optimizer: { lr: 3e-3 },
  training: { batchSize: 32, steps: 40, evalEvery: 10, checkpointEvery: 10, seed: 5, backend: 'wasm' },
} satisfies RunConfigInput;

/** Trains one run and reports its id and last step: the smallest study that uses everything. */
const tinyStudy: Study = {
  name: 'tiny',
  title: 'A tiny study',
  plan: () => [{ name: 'tiny seed 0', config }],
  async run(ctx) {
    const [id] = await ctx.train(tinyStudy.plan(ctx));
    return `trained ${id} to step ${latestStep(ctx.db, id!)!.step + 1}`;
  },
};

function options(dir: string, reuse: boolean): StudyOptions {
  return {
    databasePath: join(dir, 'raptr.db'),
    outDir: join(dir, 'results'),
    quick: false,
    seeds: 1,
    reuse,
    log: () => {},
  };
}

describe('the study runner', () => {
  it('trains into the database, tags the runs, writes the report; --reuse keeps completed runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raptr-study-'));
    const path = await runStudy(tinyStudy, options(dir, false));
    const report = readFileSync(path, 'utf8');
    const db = openDatabase(join(dir, 'raptr.db'));
    const [run] = listRuns(db, { tag: 'study:tiny' });
    expect(run?.status).toBe('completed');
    expect(report).toMatch(/^# A tiny study\n/);
    expect(report).toContain('Its 1 run trained in');
    expect(report).toContain(`trained ${run!.id} to step 40`);

    await runStudy(tinyStudy, options(dir, true));
    expect(listRuns(db, { tag: 'study:tiny' }).map((r) => r.id)).toEqual([run!.id]);
    await runStudy(tinyStudy, options(dir, false));
    expect(listRuns(db, { tag: 'study:tiny' })).toHaveLength(2);

    // A study that reads another's runs: finds the newest completed one with the same name and config.
    const reader: Study = {
      name: 'reader',
      title: 'Reads the tiny study',
      plan: () => [],
      async run(ctx) {
        const found = ctx.completedRunsOf(tinyStudy, [
          ...tinyStudy.plan(ctx),
          { name: 'tiny seed 0', config: { ...config, optimizer: { lr: 1e-2 } } },
        ]);
        return `found ${found.map(String).join(' ')}`;
      },
    };
    const newest = listRuns(db, { tag: 'study:tiny' })[0]!.id;
    const read = readFileSync(await runStudy(reader, options(dir, false)), 'utf8');
    expect(read).toContain(`found ${newest} null`);
    expect(read).toContain('It trained no runs of its own. It reads 1 run other studies trained.');
    expect(read).toContain('tagged `study:tiny`');
  }, 60_000);

  it('with --reuse, resumes the run a stopped study left halted instead of training it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raptr-study-'));
    const db = openDatabase(join(dir, 'raptr.db'));
    const manager = new RunManager({ db, runsDir: join(dir, 'runs'), slots: { gpus: [], cpu: 1 } });
    const halted = manager.create({ config, name: 'tiny seed 0', tags: ['study:tiny'], start: false });
    await manager.shutdown();
    expect(getRun(db, halted.id)?.status).toBe('stopped');

    const report = readFileSync(await runStudy(tinyStudy, options(dir, true)), 'utf8');
    expect(report).toContain(`trained ${halted.id} to step 40`);
    expect(listRuns(db, { tag: 'study:tiny' }).map((r) => [r.id, r.status])).toEqual([
      [halted.id, 'completed'],
    ]);
  }, 60_000);
});
