// Defect 4 of issue 14 and the bounds around it: `--set 'policy.schedule.fixed[100000000]=0'` aborted the
// JS heap at 4.5 GB (exit 134); absurd sizes were accepted and then grew until the process died or hung;
// deeply nested input overflowed the stack. Everything knowable before the first step is refused with
// exit 2 (or invalid-input over the API), one short line per problem, naming the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, parseRunConfig } from '../../shared/config/validate.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { dispatch, type Handlers } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { listRuns, openDatabase } from '../../src-main/store/index.js';
import { raptr } from './helpers.js';

const problems = (config: unknown) => {
  const result = parseRunConfig(config);
  return result.ok ? [] : formatIssues(result.issues);
};

const folder = mkdtempSync(join(tmpdir(), 'raptr-hostile-config-'));
const file = (name: string, text: string | Buffer) => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};
const deeply = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

describe('--set', () => {
  it('refuses a huge array index at once, instead of growing the heap until it aborts', () => {
    const result = raptr(['train', '--preset', 'quickstart', '--set', 'policy.schedule.fixed[100000000]=0']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      '--set policy.schedule.fixed[100000000]=0: index 100000000 is out of range for policy.schedule.fixed, ' +
        'which has 2 items (use 0 to 2)',
    ]);
  });

  it('turns policy.kind=full on a preset into a full-training config and says which fields it dropped', () => {
    const result = raptr([
      'train',
      '--preset',
      'polynomial-raptr',
      '--set',
      'policy.kind=full',
      '--set',
      'steps=3',
    ]);
    expect(result.stderr).toContain(
      '--set policy.kind=full: dropped policy.schedule, policy.scale (a full policy has no such fields)',
    );
    expect(result.code).toBe(0);
  });
});

describe('sizes and settings that cannot work', () => {
  it('are refused when validated, by name', () => {
    expect(problems({ training: { steps: 1e15, batchSize: 1e9 }, model: { dModel: 1e6 } })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^model\.dModel: dModel must be <= /),
        expect.stringMatching(/^training\.steps: steps must be <= /),
        expect.stringMatching(/^training\.batchSize: batchSize must be <= /),
      ]),
    );
    expect(problems({ model: { seqLen: 2 } })).toEqual([
      'model.seqLen: 2 leaves no token to mask: a sequence is [CLS], its tokens and [SEP], so it needs at least 3',
    ]);
    expect(problems({ task: { kind: 'mlm', heldOutFraction: 0.9 } })).toEqual([
      'task.heldOutFraction: must be at most 0.5 (the rest of the text is what the model trains on)',
    ]);
    expect(problems({ optimizer: { lr: 1e30 } })).toEqual([
      'optimizer.lr: lr must be <= 1 (AdamW learning rates are usually 1e-4 to 1e-2)',
    ]);
    expect(problems({ optimizer: { lr: Number.POSITIVE_INFINITY } })[0]).toMatch(/^optimizer\.lr: /);
    expect(problems({ policy: { kind: 'raptr', schedule: { fixed: Array(100_000).fill(0) } } })).toEqual([
      expect.stringMatching(/^policy\.schedule\.fixed: at most/),
    ]);
  });

  it('are refused by runs:create too, before anything is recorded', async () => {
    const db = openDatabase(join(folder, 'api.db'));
    const manager = new RunManager({ db, runsDir: join(folder, 'runs'), slots: { gpus: [], cpu: 1 } });
    const handlers = createHandlers({ manager, databasePath: join(folder, 'api.db'), electronVersion: null });
    try {
      for (const training of [{ steps: 1e15 }, { batchSize: 1e9 }]) {
        const reply = await dispatch(handlers, 'runs:create', { config: { training } });
        expect(reply.ok).toBe(false);
      }
      const wide = await dispatch(handlers, 'runs:create', { config: { model: { dModel: 1e6 } } });
      expect(wide.ok === false && wide.error.code).toBe('invalid-input');
      const huge = await dispatch(handlers, 'runs:create', {
        config: { model: { layers: 64, dModel: 2048, heads: 16, ffDim: 8192 } },
      });
      expect(huge.ok === false && huge.error.message).toMatch(/needs about [\d.]+ GB .* available/);
      expect(listRuns(db, {})).toEqual([]);
    } finally {
      await manager.shutdown();
      db.close();
    }
  });

  it('that cannot fit in memory exit 2 with the estimate against what is available, at once', () => {
    for (const shape of [
      'layers=64 dModel=2048 heads=16 ffDim=8192',
      'layers=200 dModel=4096 heads=32 ffDim=16384',
    ]) {
      const sets = shape.split(' ').flatMap((s) => ['--set', `model.${s}`]);
      const started = Date.now();
      const result = raptr(['train', '--preset', 'bert-mini-full', ...sets]);
      expect(result.code, shape).toBe(2);
      expect(result.stderr).toMatch(/^model: the run needs about [\d.]+ [GT]B \(parameters/);
      expect(result.stderr).toMatch(/available/);
      expect(Date.now() - started).toBeLessThan(60_000);
    }
  });
});

describe('input files and nesting', () => {
  it('reads a config file that starts with a UTF-8 byte order mark', () => {
    const path = file(
      'bom.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"training":{"steps":0}}')]),
    );
    const result = raptr(['train', '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('training.steps: steps must be > 0'); // parsed: the BOM is gone
  });

  it('says "not found: PATH" for a missing config file', () => {
    const result = raptr(['train', '--config', join(folder, 'missing.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`--config: not found: ${join(folder, 'missing.json')}`);
  });

  it('refuses deeply nested input without overflowing the stack, from a file, --set and the API', async () => {
    const deepText = `${'['.repeat(20_000)}${']'.repeat(20_000)}`; // JSON.stringify itself overflows
    const nested = file('deep.json', `{"name":"x","extra":${deepText}}`);
    for (const args of [
      ['--config', nested],
      ['--config', nested, '--set', 'steps=5'],
      ['--preset', 'quickstart', '--set', `name=${deepText}`],
    ]) {
      const result = raptr(['train', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/call stack/i);
      expect(result.stderr).toMatch(/nested more than \d+ levels deep/);
    }
    const reply = await dispatch({} as Handlers, 'config:validate', { config: deeply(100_000) });
    expect(reply.ok === false && reply.error.message).toMatch(/nested more than \d+ levels deep/);
  });

  it('lists at most 50 problems, then how many more there were', () => {
    const path = file(
      'many.json',
      JSON.stringify({ policy: { kind: 'raptr', schedule: { fixed: Array(500).fill('x') } } }),
    );
    const lines = raptr(['train', '--config', path]).stderr.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(51);
  });
});
