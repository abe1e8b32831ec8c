// The CLI as a user runs it (the built CLI in a child process; npm test builds first): JSON lines, exit
// codes, the output folder kept only on success, and the run database commands.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src-main/checkpoints/safetensors.js';

const root = join(import.meta.dirname, '..', '..');

function raptr(args: string[], home = mkdtempSync(join(tmpdir(), 'raptr-home-'))) {
  const result = spawnSync(process.execPath, [join(root, 'bin/raptr.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, RAPTR_HOME: home, RAPTR_DB: '' },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, home };
}

const fast = [
  '--set',
  'steps=40',
  '--set',
  'batchSize=32',
  '--set',
  'model.dModel=32',
  '--set',
  'model.ffDim=32',
  '--set',
  'training.evalEvery=10',
];

describe('raptr train', () => {
  it('prints only JSON lines with --json, the first being start with backend, device and config', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'raptr-out-')), 'run');
    const { code, stdout } = raptr([
      'train',
      '--preset',
      'polynomial-raptr',
      ...fast,
      '--json',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({
      type: 'start',
      backend: expect.any(String),
      device: expect.any(String),
    });
    expect((events[0]!.config as { training: { steps: number } }).training.steps).toBe(40);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(40);
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed', step: 40 });
    const step = events.find((e) => e.type === 'step')!;
    for (const key of [
      'step',
      'stage',
      'lr',
      'loss',
      'mask',
      'active',
      'scale',
      'stepFlops',
      'cumFlops',
      'cumFullFlops',
      'tokens',
      'stepMs',
      'examplesPerSec',
    ])
      expect(step).toHaveProperty(key);
    expect(readdirSync(out).sort()).toEqual([
      'config.json',
      'events.jsonl',
      'model.safetensors',
      'summary.json',
    ]);
    const weights = decodeSafetensors(readFileSync(join(out, 'model.safetensors')));
    expect(weights.tensors.get('blocks.0.mlp.in.w')?.shape).toEqual([32, 32]);
  });

  it('exits 2 with one line per problem, naming the field, and writes nothing', () => {
    const parent = mkdtempSync(join(tmpdir(), 'raptr-out-'));
    const { code, stderr, stdout } = raptr([
      'train',
      '--preset',
      'quickstart',
      '--set',
      'model.heads=3',
      '--set',
      'training.steps=0',
      '--out',
      join(parent, 'run'),
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual(['training.steps: steps must be > 0']);
    expect(readdirSync(parent)).toEqual([]);
    const cross = raptr(['train', '--preset', 'quickstart', '--set', 'model.heads=3']);
    expect(cross.code).toBe(2);
    expect(cross.stderr).toContain('model.heads: 3 does not divide dModel 64');
    expect(raptr(['train', '--preset', 'nope']).stderr).toContain('unknown preset "nope"');
  });

  it('exits 1 when training fails, records why, and leaves no half-written output folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'raptr-out-'));
    const run = raptr([
      'train',
      '--preset',
      'polynomial-full',
      ...fast,
      // A target of 1e30: its squared error overflows float32 at the first step (an lr of 1e30 is now
      // refused when validated).
      '--set',
      'task.terms=[{"coefficient":1e30,"support":[0]}]',
      '--out',
      join(parent, 'run'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/training failed: the loss became (NaN|Infinity)/);
    expect(readdirSync(parent)).toEqual([]);
    const runs = JSON.parse(raptr(['runs', '--json'], run.home).stdout) as Array<{ status: string }>;
    expect(runs.map((r) => r.status)).toEqual(['failed']);
  });

  it('lists the presets, one line each', () => {
    const { code, stdout } = raptr(['presets']);
    expect(code).toBe(0);
    const names = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'quickstart',
        'polynomial-full',
        'polynomial-raptr',
        'polynomial-pld',
        'bert-mini-raptr',
      ]),
    );
  });
});

describe('Ctrl-C', () => {
  it('stops the run with a checkpoint when the terminal signals the whole process group', async () => {
    const home = mkdtempSync(join(tmpdir(), 'raptr-home-'));
    // Wide enough that each step's products are split between the 2 kernel threads (tens of ms a step),
    // so the signal lands while threads are at work.
    const threaded = ['training.threads=2', 'model.dModel=256', 'model.ffDim=1024', 'batchSize=256'];
    // detached: its own process group, so the signal reaches the CLI and its trainer, as a terminal sends it.
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin/raptr.js'),
        'train',
        '--preset',
        'polynomial-raptr',
        '--set',
        'steps=1000000',
        ...threaded.flatMap((setting) => ['--set', setting]),
      ],
      {
        env: { ...process.env, RAPTR_HOME: home, RAPTR_DB: '' },
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/step \d+\/1000000/.test(stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 100);
    });
    expect(stderr).toMatch(/2 threads\)/);
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const [run] = JSON.parse(raptr(['runs', '--json'], home).stdout) as Array<{
      id: string;
      status: string;
      stepsDone: number;
    }>;
    expect(run!.status).toBe('stopped');
    const detail = JSON.parse(raptr(['show', run!.id, '--json'], home).stdout) as {
      checkpoints: Array<{ step: number }>;
    };
    expect(detail.checkpoints.map((c) => c.step)).toEqual([run!.stepsDone]);
  });
});

describe('the run database from the command line', () => {
  it('records runs, lists, shows, compares and deletes them', () => {
    const home = mkdtempSync(join(tmpdir(), 'raptr-home-'));
    expect(raptr(['train', '--preset', 'polynomial-full', ...fast, '--name', 'base'], home).code).toBe(0);
    expect(raptr(['train', '--preset', 'polynomial-raptr', ...fast, '--tag', 'method'], home).code).toBe(0);
    const runs = JSON.parse(raptr(['runs', '--json'], home).stdout) as Array<{
      id: string;
      name: string;
      status: string;
      stepsDone: number;
      flopsSaved: number;
      tags: string[];
    }>;
    expect(runs.map((r) => [r.name, r.status, r.stepsDone])).toEqual([
      ['Polynomial · RaPTr 4-6-8', 'completed', 40],
      ['base', 'completed', 40],
    ]);
    expect(runs[0]!.flopsSaved).toBeGreaterThan(0.1);
    expect(raptr(['runs', '--tag', 'method'], home).stdout).toContain('RaPTr 4-6-8');
    const show = JSON.parse(raptr(['show', runs[0]!.id, '--json'], home).stdout) as {
      stages: unknown[];
      transitions: Array<{ forecast: { gap: number } | null }>;
      stability: { drops: number[] } | null;
    };
    expect(show.stages).toHaveLength(3);
    expect(show.transitions).toHaveLength(2);
    expect(show.transitions.every((t) => typeof t.forecast?.gap === 'number')).toBe(true);
    expect(show.stability?.drops).toHaveLength(8);
    const shown = raptr(['show', runs[0]!.id], home).stdout;
    expect(shown).toMatch(
      /stage 1 -> 2 at step \d+: .*\(jump [-+]\S+, window \d+\); forecast [-+]\S+ at step \d+/,
    );
    expect(shown).toMatch(/stability at step 40 .*\n {2}drop loss by block: 0:[-+]\S+ 1:.* 7:[-+]\S+\n/);
    const compare = JSON.parse(raptr(['compare', runs[1]!.id, runs[0]!.id, '--json'], home).stdout) as {
      target: number;
      runs: Array<{ reach: { flops: number } | null; flopsRatio: number | null }>;
    };
    expect(compare.target).toBeGreaterThan(0);
    expect(compare.runs[0]!.flopsRatio).toBe(1);
    const text = raptr(['compare', runs[1]!.id, runs[0]!.id, '--at-loss', '1e9'], home).stdout;
    expect(text).toMatch(/FLOPs than base to reach/);
    expect(raptr(['rm', runs[0]!.id, '--yes'], home).code).toBe(0);
    expect((JSON.parse(raptr(['runs', '--json'], home).stdout) as unknown[]).length).toBe(1);
  });

  it('refuses an unknown run id, a damaged database and a newer schema, leaving the file as it was', () => {
    const home = mkdtempSync(join(tmpdir(), 'raptr-home-'));
    const unknown = raptr(['show', 'nosuchrun'], home);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('no run with id "nosuchrun"');
    const damaged = join(home, 'damaged.db');
    writeFileSync(
      damaged,
      'this is not a database, just text that is long enough to look like a file header',
    );
    const before = readFileSync(damaged);
    const refused = raptr(['runs', '--db', damaged], home);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/damaged or is not an SQLite database; it was left untouched.*\.recover/s);
    expect(readFileSync(damaged)).toEqual(before);
    expect(existsSync(join(home, 'runs'))).toBe(false);
    const newer = join(home, 'newer.db');
    expect(raptr(['runs', '--db', newer], home).code).toBe(0);
    const db = new Database(newer);
    db.pragma('user_version = 99');
    db.close();
    const refusedNewer = raptr(['runs', '--db', newer], home);
    expect(refusedNewer.code).toBe(2);
    expect(refusedNewer.stderr).toMatch(/newer/);
  });
});

describe('raptr repro', () => {
  it('takes --steps and --eval-every only for a study whose report allows them, and only whole numbers', () => {
    const fixed = raptr(['repro', 'polynomial', '--steps', '50']);
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toContain('--steps: the polynomial study has fixed run lengths');
    expect(fixed.stderr).toContain('only stability take --steps and --eval-every');
    const cadence = raptr(['repro', 'bert-mini', '--eval-every', '50']);
    expect(cadence.stderr).toContain('--eval-every: the bert-mini study has fixed run lengths');
    for (const bad of ['0', '1.5', 'many']) {
      const wrong = raptr(['repro', 'stability', '--steps', bad]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain(`--steps: expected a whole number of at least 1, got "${bad}"`);
      const cadence = raptr(['repro', 'stability', '--eval-every', bad]);
      expect(cadence.stderr).toContain(`--eval-every: expected a whole number of at least 1, got "${bad}"`);
    }
  });
});
