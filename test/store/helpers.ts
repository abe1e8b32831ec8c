// Shared set-up for the store tests: an in-memory or temporary database and a run to write into.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, openDatabase, type Db, type NewRun, type Run } from '../../src-main/store/index.js';

export function memoryDb(): Db {
  return openDatabase(':memory:');
}

export function newRunInput(overrides: Partial<NewRun> = {}): NewRun {
  return {
    name: 'quickstart',
    config: { policy: { kind: 'raptr' }, training: { seed: 7, steps: 100 } },
    appVersion: '0.1.0',
    ...overrides,
  };
}

export function makeRun(db: Db, overrides: Partial<NewRun> = {}): Run {
  return createRun(db, newRunInput(overrides));
}

/** A temporary folder removed after the test (pass the cleanup to afterEach or onTestFinished). */
export function tempDir(prefix = 'raptr-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
