// Defect 1 of issue 14: one request killed the server. A run whose error text is huge (a 70,000-character
// corpus path) made the store refuse the run's final status inside the run manager's exit handler; the
// exception escaped and `raptr serve` died, and `raptr train` left the run "running" and a half-written
// --out folder behind. Error texts are now cut to a bounded length before they are stored or sent.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ERROR_CHARS } from '../../shared/error-text.js';
import { getRun, listRuns, openDatabase } from '../../src-main/store/index.js';
import { tinyConfig } from '../server/helpers.js';
import { call, raptr, serveProcess, waitForFinal } from './helpers.js';

const hugePath = `/nonexistent/${'x'.repeat(70_000)}.txt`;
const mlmConfig = {
  ...tinyConfig,
  task: { kind: 'mlm', corpus: { kind: 'text', path: hugePath } },
  model: { layers: 2, dModel: 16, heads: 2, ffDim: 16, seqLen: 16 },
  policy: { kind: 'full' },
};

describe('a run whose error text is huge', () => {
  it('ends failed with a bounded reason, and raptr serve keeps answering', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'raptr-hostile-long-'));
    const server = await serveProcess(join(folder, 'raptr.db'));
    try {
      const created = await call<{ id: string }>(server.url, 'runs:create', {
        config: mlmConfig,
        start: false,
      });
      if (!created.ok) throw new Error(created.error.message);
      const started = await call(server.url, 'runs:start', { id: created.value.id });
      expect(started.ok).toBe(true);
      const run = await waitForFinal(server.url, created.value.id);
      expect(run.status).toBe('failed');
      expect(run.errorTail).toMatch(/^the corpus file: the path is too long: \/nonexistent\/x+/);
      expect(run.errorTail!.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
      // Still alive, still answering, a second time too.
      await new Promise((r) => setTimeout(r, 7000)); // the server used to die about 6 s later
      expect(server.child.exitCode).toBeNull();
      const list = await call<unknown[]>(server.url, 'runs:list', {});
      expect(list.ok && list.value.length).toBe(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('makes raptr train exit 1 with a bounded reason, the run failed and no --out leftovers', () => {
    const folder = mkdtempSync(join(tmpdir(), 'raptr-hostile-long-cli-'));
    const configFile = join(folder, 'config.json');
    writeFileSync(configFile, JSON.stringify(mlmConfig));
    const db = join(folder, 'raptr.db');
    const result = raptr(['train', '--config', configFile, '--db', db, '--out', join(folder, 'out')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'training failed: the corpus file: the path is too long: /nonexistent/xxx',
    );
    // The error as the trainer reported it, then the reason the run failed: each bounded.
    expect(result.stderr.length).toBeLessThan(2 * MAX_ERROR_CHARS + 1000);
    const store = openDatabase(db);
    const [run] = listRuns(store, {});
    expect(getRun(store, run!.id)).toMatchObject({ status: 'failed' });
    store.close();
    const left = readdirSync(folder);
    expect(left).not.toContain('out');
    expect(left.filter((name) => name.includes('.partial-'))).toEqual([]); // no .out.partial-PID
  });
});
