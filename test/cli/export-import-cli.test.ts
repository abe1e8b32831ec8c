// `raptr export` and `raptr import` as a user runs them (the built CLI in a child process): results on
// stdout (--json: one object), and every refusal as one line on stderr with exit code 2.
// Needs `npm run build` (npm test does it first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRun, latestCheckpoint, openDatabase } from '../../src-main/store/index.js';
import {
  mlmConfig,
  polynomialConfig,
  trainedRun,
  writeCorpus,
  type TrainedRun,
} from '../checkpoints/fixture.js';

const root = join(import.meta.dirname, '..', '..');

function raptr(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin/raptr.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, RAPTR_HOME: mkdtempSync(join(tmpdir(), 'raptr-home-')), RAPTR_DB: '' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A refusal: exit 2 and exactly one line on stderr matching `pattern`. */
function expectRefusal(args: string[], pattern: RegExp) {
  const { code, stderr, stdout } = raptr(args);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(code).toBe(2);
}

let mlm: TrainedRun;
let poly: TrainedRun;

beforeAll(async () => {
  mlm = await trainedRun(mlmConfig('post', writeCorpus()));
  poly = await trainedRun(polynomialConfig);
});

describe('raptr export', () => {
  it('writes a Hugging Face folder, prints JSON, and refuses to overwrite it without --force', () => {
    const out = join(mlm.root, 'cli-hf');
    const args = ['export', mlm.run.id, '--format', 'hf', '--out', out, '--db', mlm.dbPath];
    const first = raptr([...args, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      format: 'hf',
      runId: mlm.run.id,
      path: out,
      architecture: 'BertForMaskedLM',
      checkpoints: [{ step: 6 }],
    });
    expect(existsSync(join(out, 'config.json'))).toBe(true);
    expectRefusal(args, /already exists.*--force/);
    const forced = raptr([...args, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/as BertForMaskedLM to/);
  });

  it('refuses an unknown run, a run without checkpoints, a polynomial run as hf and bad flags', () => {
    const db = openDatabase(mlm.dbPath);
    const empty = createRun(db, { name: 'empty', config: polynomialConfig, appVersion: '0.1.0' });
    db.close();
    const out = join(mlm.root, 'never');
    expectRefusal(
      ['export', 'nosuchrun', '--format', 'csv', '--out', out, '--db', mlm.dbPath],
      /no run with id "nosuchrun"/,
    );
    expectRefusal(
      ['export', empty.id, '--format', 'bundle', '--out', out, '--db', mlm.dbPath],
      /has no checkpoint/,
    );
    expectRefusal(
      ['export', poly.run.id, '--format', 'hf', '--out', out, '--db', poly.dbPath],
      /polynomial task.*--format safetensors/,
    );
    expectRefusal(['export', mlm.run.id, '--format', 'onnx', '--out', out, '--db', mlm.dbPath], /format/);
    expect(raptr(['export', mlm.run.id, '--out', out, '--db', mlm.dbPath]).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a tampered checkpoint on its sha256', () => {
    const { path } = latestCheckpoint(poly.db, poly.run.id)!;
    const weights = join(path, 'optimizer.safetensors');
    const bytes = readFileSync(weights);
    bytes[20] = bytes[20]! ^ 0x01;
    writeFileSync(weights, bytes);
    expectRefusal(
      ['export', poly.run.id, '--format', 'safetensors', '--out', join(poly.root, 'st'), '--db', poly.dbPath],
      /optimizer\.safetensors fails its sha256 check/,
    );
  });

  it('refuses a corrupt database with a recovery hint and leaves the file as it was', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'raptr-corrupt-')), 'raptr.db');
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(path, garbage);
    expectRefusal(
      ['export', 'x', '--format', 'json', '--out', join(tmpdir(), 'x.json'), '--db', path],
      /damaged.*\.recover/,
    );
    expect(readFileSync(path)).toEqual(garbage);
  });
});

describe('raptr import', () => {
  it('loads a bundle into another database and refuses a tampered one', () => {
    const bundle = join(mlm.root, 'cli.raptr-bundle');
    expect(
      raptr(['export', mlm.run.id, '--format', 'bundle', '--out', bundle, '--db', mlm.dbPath]).code,
    ).toBe(0);
    const other = join(mkdtempSync(join(tmpdir(), 'raptr-other-')), 'raptr.db');
    const imported = raptr(['import', bundle, '--db', other, '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      runId: mlm.run.id,
      keptId: true,
      checkpoints: expect.arrayContaining([6]),
    });
    const db = openDatabase(other);
    expect(latestCheckpoint(db, mlm.run.id)?.path).toBe(
      join(other, '..', 'runs', mlm.run.id, 'checkpoints', 'step-00000006'),
    );
    db.close();

    const bytes = readFileSync(bundle);
    bytes[bytes.length - 3000] = bytes[bytes.length - 3000]! ^ 0x01;
    const tampered = join(mlm.root, 'tampered.raptr-bundle');
    writeFileSync(tampered, bytes);
    const third = join(mkdtempSync(join(tmpdir(), 'raptr-third-')), 'raptr.db');
    expectRefusal(
      ['import', tampered, '--db', third],
      /(sha256|damaged tar header).*nothing was imported|not a readable bundle/,
    );
    expect(existsSync(join(third, '..', 'runs', mlm.run.id))).toBe(false);
  });
});
