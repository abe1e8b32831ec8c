// Defect 2 of issue 14: `export:run` wrote anywhere the server's user could write, and `force` replaced
// anything: {"out": "<data folder>/raptr.db", "force": true} turned the live database into a folder of
// CSVs. Now an export asked for over the API goes under the data folder's exports/ only; force replaces an
// earlier export only (a marker file, or the format's own first bytes); the CLI writes where the user
// says (`~` expanded) but never over the database or run folders.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_MARKER } from '../../src-main/checkpoints/export/index.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { dispatch } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { integrityCheck, listRuns, openDatabase, type Db } from '../../src-main/store/index.js';
import { tinyConfig } from '../server/helpers.js';
import { raptr } from './helpers.js';

const home = mkdtempSync(join(tmpdir(), 'raptr-hostile-export-'));
const databasePath = join(home, 'raptr.db');
let db: Db;
let manager: RunManager;
let runId: string;
let handlers: ReturnType<typeof createHandlers>;

beforeAll(async () => {
  db = openDatabase(databasePath);
  manager = new RunManager({ db, runsDir: join(home, 'runs'), slots: { gpus: [], cpu: 1 } });
  handlers = createHandlers({ manager, databasePath, electronVersion: null });
  const run = manager.create({
    config: { ...tinyConfig, training: { ...tinyConfig.training, steps: 20, checkpointEvery: 10 } },
  });
  runId = run.id;
  expect(await manager.waitFor(run.id)).toBe('completed');
});
afterAll(async () => {
  await manager.shutdown();
  db.close();
});

async function exportOver(out: string, extra: Record<string, unknown> = {}) {
  return dispatch(handlers, 'export:run', { id: runId, format: 'csv', out, ...extra });
}

function databaseIntact(): void {
  expect(lstatSync(databasePath).isFile()).toBe(true);
  expect(integrityCheck(db)).toBe('ok');
  expect(listRuns(db, {}).map((r) => r.id)).toEqual([runId]);
}

describe('exports over the API', () => {
  it('never replace the database, its WAL or shared-memory file, or the run folders', async () => {
    for (const out of [
      databasePath,
      `${databasePath}-wal`,
      `${databasePath}-shm`,
      join(home, 'runs'),
      join(home, 'runs', 'x'),
      home,
      '../raptr.db',
      '../runs',
    ]) {
      const reply = await exportOver(out, { force: true });
      expect(reply.ok, out).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('invalid-input');
      databaseIntact();
    }
  });

  it('stay under the data folder exports/: no absolute paths elsewhere, no "..", no "~", no way out by a link', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'raptr-hostile-elsewhere-'));
    mkdirSync(join(home, 'exports'), { recursive: true });
    symlinkSync(elsewhere, join(home, 'exports', 'link'));
    for (const out of [
      join(elsewhere, 'x.csv'),
      '../../etc',
      '../../../../../../tmp/raptr-escape.csv',
      '~',
      '~/x.csv',
      '~root/x.csv',
      'link/x.csv',
      '.',
      '',
      'a\0b.csv',
    ]) {
      const reply = await exportOver(out);
      expect(reply.ok, JSON.stringify(out)).toBe(false);
    }
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(process.cwd(), '~'))).toBe(false);
    expect(existsSync('/tmp/raptr-escape.csv')).toBe(false);
    databaseIntact();
  });

  it('go where asked inside exports/, carry a marker, and force replaces only an earlier export', async () => {
    const first = await exportOver('metrics.csv');
    expect(first).toMatchObject({ ok: true, value: { path: join(home, 'exports', 'metrics.csv') } });
    expect((await exportOver('metrics.csv')).ok).toBe(false); // exists, no force
    expect((await exportOver('metrics.csv', { force: true })).ok).toBe(true); // an earlier export

    const folder = await exportOver('as-folder');
    expect(folder.ok).toBe(true);
    expect(existsSync(join(home, 'exports', 'as-folder', EXPORT_MARKER))).toBe(true);
    expect((await exportOver('as-folder', { force: true })).ok).toBe(true);

    // The user's own files in exports/ are not exports: force leaves them as they are.
    const notes = join(home, 'exports', 'notes.csv');
    writeFileSync(notes, 'my own notes\n');
    const mine = join(home, 'exports', 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'keep.txt'), 'keep');
    for (const out of ['notes.csv', 'mine']) {
      const reply = await exportOver(out, { force: true });
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.message).toContain('is not an export RaPTr Studio wrote');
    }
    expect(readFileSync(notes, 'utf8')).toBe('my own notes\n');
    expect(readFileSync(join(mine, 'keep.txt'), 'utf8')).toBe('keep');
    databaseIntact();
  });
});

describe('exports from the command line', () => {
  const cli = (args: string[], env: { cwd?: string } = {}) =>
    raptr(['export', runId, '--db', databasePath, ...args], { home, ...env });

  it('write where the user says, with ~ expanded, but never over the database or a run folder', () => {
    for (const out of [databasePath, join(home, 'runs'), join(home, 'runs', runId), home]) {
      const result = cli(['--format', 'csv', '--out', out, '--force']);
      expect(result.code, out).toBe(2);
      expect(result.stderr).toContain('never replaces or goes into the run database');
    }
    databaseIntact();

    const cwd = mkdtempSync(join(tmpdir(), 'raptr-hostile-cwd-'));
    const userHome = mkdtempSync(join(tmpdir(), 'raptr-hostile-user-home-'));
    const tilde = raptr(['export', runId, '--db', databasePath, '--format', 'json', '--out', '~/m.json'], {
      home,
      cwd,
      env: { HOME: userHome },
    });
    expect(tilde.code).toBe(0);
    expect(existsSync(join(userHome, 'm.json'))).toBe(true);
    expect(existsSync(join(cwd, '~'))).toBe(false);

    const mine = join(cwd, 'mine.csv');
    writeFileSync(mine, 'a,b\n1,2\n');
    const refused = cli(['--format', 'csv', '--out', mine, '--force']);
    expect(refused.code).toBe(2);
    expect(readFileSync(mine, 'utf8')).toBe('a,b\n1,2\n');
  });

  it('raptr train --out refuses the database and a file, and leaves both as they were', () => {
    for (const out of [databasePath, join(home, 'runs')]) {
      const result = raptr(['train', '--preset', 'polynomial-full', '--db', databasePath, '--out', out], {
        home,
      });
      expect(result.code, out).toBe(2);
    }
    databaseIntact();
  });
});
