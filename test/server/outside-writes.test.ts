// Live from anywhere: a run trained by another process on the same database (`raptr train` in a terminal)
// streams to the server's event socket as the same events the server sends for its own runs, every step
// once and in order; edits and deletions made through another connection are announced too.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { createRun, deleteRun, openDatabase, updateRun } from '../../src-main/store/index.js';
import { connectEvents, tempManager, tinyConfig, until as waitUntil, type Frame } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const { manager, databasePath, dir } = tempManager('raptr-outside-writes-');
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ manager, databasePath, port: 0, staticDir: dir });
});
afterAll(async () => {
  await server.close();
  await manager.shutdown();
});

const connect = () => connectEvents(server.port);
// Generous: the server polls every 250 ms, but a loaded CI machine (Chromium tests beside it) can stall it.
const until = (condition: () => boolean) => waitUntil(condition, 60_000);

describe('writes by other processes', () => {
  it('streams a run that `raptr train` trains in another process, step by step, with its evals', async () => {
    const { ws, frames } = await connect();
    const steps = 240;
    const configFile = join(dir, 'outside.json');
    writeFileSync(configFile, JSON.stringify({ ...tinyConfig, training: { ...tinyConfig.training, steps } }));
    const child = spawn(
      process.execPath,
      [join(root, 'bin/raptr.js'), 'train', '--config', configFile, '--db', databasePath, '--json'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const started = performance.now();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);

    const mine = (f: Frame) => 'runId' in f.payload;
    await until(() =>
      frames.some((f) => f.event === 'run:status' && mine(f) && f.payload.status === 'completed'),
    );
    const watchedMs = performance.now() - started;
    const runId = frames.find((f) => f.event === 'run:status')!.payload.runId;
    const of = frames.filter((f) => f.payload.runId === runId);
    const statuses = of.flatMap((f) => (f.event === 'run:status' ? [f.payload.status] : []));
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('completed');
    // Every step exactly once, in order, with the numbers the charts need.
    const streamed = of.flatMap((f) => (f.event === 'run:metrics' ? f.payload.steps : []));
    expect(streamed.map((s) => s.step)).toEqual([...Array(steps).keys()]);
    for (const s of streamed) {
      expect(Number.isFinite(s.loss)).toBe(true);
      expect(s.cumFlops).toBeGreaterThan(0);
      expect(s.mask).toMatch(/^[01]{4}$/);
    }
    // Batched per poll (every 250 ms), not per step: at most one message per poll while the run trained.
    // (How many steps a poll finds depends on how fast the machine trains, so the bound is in polls.)
    const polls = Math.ceil(watchedMs / 250);
    expect(of.filter((f) => f.event === 'run:metrics').length).toBeLessThanOrEqual(polls + 2);
    const evals = of.flatMap((f) => (f.event === 'run:eval' ? [f.payload.step] : []));
    expect(evals).toEqual(expect.arrayContaining([9, 19, steps - 1]));
    expect(of.filter((f) => f.event === 'run:stage').map((f) => f.payload.step)).toEqual([0, 80, 160]);
    // An eval arrives after the step it was taken at.
    const order = of.flatMap((f) =>
      f.event === 'run:metrics'
        ? f.payload.steps.map((s) => s.step)
        : f.event === 'run:eval'
          ? [-f.payload.step - 1]
          : [],
    );
    const firstEval = order.indexOf(-10);
    expect(order.slice(0, firstEval)).toContain(9);
    ws.close();
  }, 120_000);

  it('announces renames and deletions made through another connection', async () => {
    const { ws, frames } = await connect();
    const other = openDatabase(databasePath);
    try {
      const run = createRun(other, { name: 'made elsewhere', config: tinyConfig, appVersion: 't' });
      await until(() => frames.some((f) => f.event === 'run:status' && f.payload.runId === run.id));
      updateRun(other, run.id, { name: 'renamed elsewhere', tags: ['x'] });
      await until(() => frames.some((f) => f.event === 'run:updated' && f.payload.runId === run.id));
      deleteRun(other, run.id);
      await until(() => frames.some((f) => f.event === 'run:deleted' && f.payload.runId === run.id));
    } finally {
      other.close();
      ws.close();
    }
  });
});
