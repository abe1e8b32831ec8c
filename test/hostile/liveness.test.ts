// A run whose process is gone (kill -9 of `raptr train`, a crashed server) was reported "running" until
// another process happened to start a run manager. `raptr runs`, `raptr show` and the API's runs:list and
// runs:get now report it interrupted at once, from the owner the store records (migration 004).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { dispatch } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { createRun, getRun, openDatabase, setOwner, setRunStatus } from '../../src-main/store/index.js';
import { APP_VERSION } from '../../src-main/version.js';
import { tinyConfig } from '../server/helpers.js';
import { raptr, root } from './helpers.js';

describe('a run whose process is gone', () => {
  it('is reported interrupted at once by raptr runs and raptr show after a kill -9 of raptr train', async () => {
    const home = mkdtempSync(join(tmpdir(), 'raptr-hostile-liveness-'));
    const db = join(home, 'raptr.db');
    const config = { ...tinyConfig, training: { ...tinyConfig.training, steps: 1_000_000 } };
    const configFile = join(home, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(
      process.execPath,
      [join(root, 'bin/raptr.js'), 'train', '--config', configFile, '--db', db, '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RAPTR_HOME: home, RAPTR_DB: '' } },
    );
    // Until it has trained a few steps.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if ((out.match(/"type":"step"/g) ?? []).length >= 5) resolve();
      });
      child.on('exit', (code) => reject(new Error(`raptr train exited (${code}) before training`)));
    });
    const running = JSON.parse(raptr(['runs', '--json', '--db', db], { home }).stdout) as Array<{
      id: string;
      status: string;
    }>;
    expect(running.map((r) => r.status)).toEqual(['running']);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const after = JSON.parse(raptr(['runs', '--json', '--db', db], { home }).stdout) as typeof running;
    expect(after.map((r) => r.status)).toEqual(['interrupted']);
    const shown = raptr(['show', running[0]!.id, '--db', db], { home });
    expect(shown.stdout).toContain('status interrupted');
  });

  it('reads as interrupted over the API too, while runs this process owns stay running', async () => {
    const home = mkdtempSync(join(tmpdir(), 'raptr-hostile-liveness-api-'));
    const databasePath = join(home, 'raptr.db');
    const db = openDatabase(databasePath);
    const manager = new RunManager({ db, runsDir: join(home, 'runs'), slots: { gpus: [], cpu: 1 } });
    const handlers = createHandlers({ manager, databasePath, electronVersion: null });
    try {
      const orphan = createRun(db, {
        name: 'orphan',
        config: tinyConfig,
        appVersion: APP_VERSION,
        status: 'running',
      });
      setOwner(db, orphan.id, { pid: 999_999_999, host: hostname() }); // a process that is gone
      const owned = createRun(db, {
        name: 'owned',
        config: tinyConfig,
        appVersion: APP_VERSION,
        status: 'stopped',
      });
      setRunStatus(db, owned.id, { status: 'running' });
      setOwner(db, owned.id, { pid: process.pid, host: hostname() }); // this process: alive
      const list = await dispatch(handlers, 'runs:list', {});
      const statuses = list.ok ? (list.value as Array<{ name: string; status: string }>) : [];
      expect(Object.fromEntries(statuses.map((r) => [r.name, r.status]))).toEqual({
        orphan: 'interrupted',
        owned: 'running',
      });
      expect(getRun(db, orphan.id)!.status).toBe('interrupted');
    } finally {
      await manager.shutdown();
      db.close();
    }
  });
});
