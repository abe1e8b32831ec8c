// The contract over HTTP: every channel, called with a valid payload through `raptr serve`, answers ok,
// and the answers are the ones dispatch gives in-process (what Electron's IPC returns), byte for byte
// after the wire's JSON. Real runs (tiny polynomial ones), real store, real export.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/api-types.js';
import { fromWireJson, toWireJson } from '../../shared/http-wire.js';
import { CHANNEL_NAMES, type Channel } from '../../shared/ipc-contract.js';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { dispatch } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { post, rawRequest, tempManager, tinyConfig } from './helpers.js';

const { manager, databasePath, dir } = tempManager('raptr-server-roundtrip-');
const handlers = createHandlers({ manager, databasePath, electronVersion: null });
let server: RunningServer;
const called = new Set<string>();

beforeAll(async () => {
  server = await startServer({ manager, databasePath, port: 0, staticDir: join(dir, 'no-renderer') });
});
afterAll(async () => {
  await server.close();
  await manager.shutdown();
});

/** Calls a channel over HTTP, expects ok, returns the value. */
async function ok<T>(channel: Channel, payload: unknown): Promise<T> {
  called.add(channel);
  const { status, body } = await post(server.url, channel, payload);
  expect(status).toBe(200);
  const result = body as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(`${channel}: ${result.error?.message}`);
  return result.value as T;
}

/** Over HTTP and in-process, the same answer (in-process passed through the wire's JSON for undefined). */
async function sameAsDispatch(channel: Channel, payload: unknown): Promise<void> {
  const overHttp = await ok<unknown>(channel, payload);
  const direct = await dispatch(handlers, channel, payload);
  expect(direct.ok).toBe(true);
  expect(overHttp).toEqual(fromWireJson(toWireJson(direct.ok && direct.value)));
}

describe('the contract over HTTP', () => {
  it('answers every channel with a valid payload, as dispatch does in-process', async () => {
    // A run created to start later, started, trained to the end.
    const first = await ok<RunSummary>('runs:create', { config: tinyConfig, name: 'http', start: false });
    expect(first).toMatchObject({ name: 'http', stepsDone: 0, stepsTotal: 60 });
    await ok('runs:start', { id: first.id });
    expect(await manager.waitFor(first.id)).toBe('completed');

    // Everything one can ask about it gives the in-process answer.
    await sameAsDispatch('runs:list', {});
    await sameAsDispatch('runs:get', { id: first.id });
    await sameAsDispatch('metrics:series', {
      runId: first.id,
      keys: ['train/loss', 'eval/loss'],
      xAxis: 'flops',
      buckets: 16,
    });
    await sameAsDispatch('metrics:batch', {
      queries: [{ runId: first.id, keys: ['train/loss'], xAxis: 'step', buckets: 8 }],
    });
    await sameAsDispatch('metrics:keys', { runId: first.id });
    await sameAsDispatch('metrics:masks', { runId: first.id, last: 8 });
    await sameAsDispatch('runs:compare', { ids: [first.id] });
    await sameAsDispatch('runs:list', { columns: ['config:model.layers', 'best:eval/loss'] });
    await sameAsDispatch('runs:columns', {});
    await sameAsDispatch('runs:logs', { id: first.id });
    await sameAsDispatch('runs:bulk', { ids: [first.id], action: 'tag', tag: 'both' });
    const download = await ok<{ file: string }>('export:download', { id: first.id, format: 'json' });
    expect(download.file).toMatch(/\.json$/);
    await sameAsDispatch('presets:list', {});
    await sameAsDispatch('config:validate', { config: tinyConfig });
    await sameAsDispatch('system:info', {});

    const renamed = await ok<RunSummary>('runs:update', { id: first.id, name: 'renamed', tags: ['http'] });
    expect(renamed).toMatchObject({ name: 'renamed', tags: ['http'] });
    // Over the API an export goes under the data folder's exports/.
    const exported = await ok<{ path: string; files: string[]; points: number }>('export:run', {
      id: first.id,
      format: 'json',
      out: 'metrics.json',
    });
    expect(exported.points).toBeGreaterThan(0);
    expect(exported.path).toBe(join(dir, 'exports', 'metrics.json'));
    expect(existsSync(exported.path)).toBe(true);

    // A second run: stopped before it ever ran, then resumed (from the start) to completion.
    const second = await ok<RunSummary>('runs:create', { config: tinyConfig, start: false });
    expect(await ok('runs:stop', { id: second.id })).toEqual({ status: 'stopped' });
    expect(await ok('runs:resume', { id: second.id })).toMatchObject({ fromStep: 0 });
    expect(await manager.waitFor(second.id)).toBe('completed');

    expect(await ok('runs:delete', { id: second.id })).toEqual({ deleted: true });
    expect(await ok('runs:delete', { id: first.id })).toEqual({ deleted: true });
    expect(await ok<RunSummary[]>('runs:list', { archived: null })).toEqual([]);
    expect([...called].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('gives refusals the same shape and HTTP 200, like any other answer', async () => {
    for (const [channel, payload] of [
      ['runs:get', { id: 'nosuchrun' }],
      ['metrics:series', { runId: 'x', keys: [], xAxis: 'nope', buckets: 0 }],
      ['runs:create', { config: { model: { heads: 3 } } }],
    ] as const) {
      const { status, body } = await post(server.url, channel, payload);
      expect(status).toBe(200);
      expect(body).toEqual(fromWireJson(toWireJson(await dispatch(handlers, channel, payload))));
      expect(body).toMatchObject({ ok: false });
    }
  });

  it('answers what never reaches dispatch with its own status, and an { ok: false } body', async () => {
    const json = { 'Content-Type': 'application/json' };
    const get = await rawRequest(server.url, { path: '/api/runs:list' });
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
    expect((await rawRequest(server.url, { path: '/api/events' })).status).toBe(426);
    // Streamed in chunks (no Content-Length), the limit still holds, and the server keeps answering.
    const chunked = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/runs:create',
      headers: { ...json, 'Transfer-Encoding': 'chunked' },
      body: `{"notes":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(chunked.status).toBe(413);
    expect(chunked.json).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    // An empty body is an empty request; an escaped ':' names the same channel.
    const empty = await rawRequest(server.url, { method: 'POST', path: '/api/runs%3Alist', headers: json });
    expect(empty.json).toMatchObject({ ok: true, value: expect.any(Array) });
  });
});
