// A damaged newest checkpoint (a bit flipped on disk, a file cut short) used to make `resume` fail outright.
// Now it resumes from the newest checkpoint that verifies, and says which it skipped and why; only when
// none verifies does it fail, naming every reason.
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { getRun, listCheckpoints, listEvents, openDatabase } from '../../src-main/store/index.js';
import { tinyConfig } from '../server/helpers.js';

const home = mkdtempSync(join(tmpdir(), 'raptr-hostile-resume-'));
const db = openDatabase(join(home, 'raptr.db'));
const manager = new RunManager({
  db,
  runsDir: join(home, 'runs'),
  slots: { gpus: [], cpu: 1 },
  keepLastCheckpoints: 5,
});
afterAll(async () => {
  await manager.shutdown();
  db.close();
});

const config = { ...tinyConfig, training: { ...tinyConfig.training, steps: 1_000_000, checkpointEvery: 10 } };

/** A run stopped after its checkpoints at 10, 20 and 30 (the stop writes one more). */
async function runWithCheckpoints(): Promise<string> {
  const run = manager.create({ config });
  await new Promise<void>((resolve) =>
    manager.subscribe((e) => {
      if (
        e.runId === run.id &&
        e.type === 'message' &&
        e.message.type === 'checkpoint' &&
        e.message.step === 30
      )
        resolve();
    }),
  );
  manager.stop(run.id);
  expect(await manager.waitFor(run.id)).toBe('stopped');
  return run.id;
}

const warnings = (runId: string) =>
  listEvents(db, runId, { kinds: ['log'] })
    .map((e) => e.payload as { level: string; message: string })
    .filter((p) => p.level === 'warn')
    .map((p) => p.message);

describe('resume', () => {
  it('falls back to the newest checkpoint that verifies, naming the ones it skipped and why', async () => {
    const runId = await runWithCheckpoints();
    const steps = listCheckpoints(db, runId)
      .map((c) => c.step)
      .sort((a, b) => b - a);
    expect(steps.slice(1, 4)).toEqual([30, 20, 10]);
    const [newest, second] = listCheckpoints(db, runId).sort((a, b) => b.step - a.step);
    const weights = join(newest!.path, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // a flipped bit
    writeFileSync(weights, bytes);
    truncateSync(join(second!.path, 'optimizer.safetensors'), 10); // cut short

    const { fromStep } = manager.resume(runId);
    expect(fromStep).toBe(newest!.step);
    const resumed = new Promise<number | null>((resolve) =>
      manager.subscribe((e) => {
        if (e.runId === runId && e.type === 'message' && e.message.type === 'start')
          resolve(e.message.resumedFromStep);
      }),
    );
    expect(await resumed).toBe(20);
    manager.stop(runId);
    await manager.waitFor(runId);
    const [warning] = warnings(runId);
    expect(warning).toMatch(
      /^resuming from step 20: skipped checkpoint .*step-\d+: model\.safetensors fails its sha256 check/,
    );
    expect(warning).toMatch(
      /; checkpoint .*step-00000030: optimizer\.safetensors is 10 bytes, expected \d+ \(truncated\?\)/,
    );
  });

  it('fails with every reason when no checkpoint verifies', async () => {
    const runId = await runWithCheckpoints();
    for (const c of listCheckpoints(db, runId)) writeFileSync(join(c.path, 'state.json'), '{}');
    manager.resume(runId);
    expect(await manager.waitFor(runId)).toBe('failed');
    const reason = getRun(db, runId)!.errorTail!;
    expect(reason).toMatch(/^no checkpoint of this run verifies, so it cannot be resumed: checkpoint /);
    expect(reason.match(/state\.json does not match the sha256/g)?.length).toBe(
      listCheckpoints(db, runId).length,
    );
  });
});
