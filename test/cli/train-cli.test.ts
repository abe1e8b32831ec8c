// `raptr train` as a user runs it (the built CLI in a child process): JSON lines, exit codes, the output
// folder kept only on success. Needs `npm run build` (npm test does it first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src-main/checkpoints/safetensors.js';

const root = join(import.meta.dirname, '..', '..');

function raptr(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin/raptr.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, RAPTR_HOME: mkdtempSync(join(tmpdir(), 'raptr-home-')) },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const fast = [
  '--set',
  'training.steps=40',
  '--set',
  'training.batchSize=32',
  '--set',
  'model.dModel=32',
  '--set',
  'model.ffDim=32',
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
      'config.input.json',
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

  it('exits 1 when training fails and leaves no half-written output folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'raptr-out-'));
    const { code, stderr } = raptr([
      'train',
      '--preset',
      'polynomial-full',
      ...fast,
      '--set',
      'optimizer.lr=1e30',
      '--set',
      'optimizer.gradClip=0',
      '--out',
      join(parent, 'run'),
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/training failed: the loss became (NaN|Infinity)/);
    expect(existsSync(join(parent, 'run'))).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('lists the presets, one line each', () => {
    const { code, stdout } = raptr(['presets']);
    expect(code).toBe(0);
    const names = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(
      expect.arrayContaining(['quickstart', 'polynomial-full', 'polynomial-raptr', 'polynomial-pld']),
    );
  });
});
