// The renderer's API client on its HTTP transport, against a real `raptr serve` (Node's fetch, and the `ws`
// package injected as the WebSocket the browser would provide): the same answers as dispatch, typed
// errors, live events through on(), a reconnect after a server restart, and failures as data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fromWireJson, toWireJson } from '../../shared/http-wire.js';
import type { Events, RaptrApi } from '../../shared/ipc-contract.js';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { dispatch } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import {
  ApiRequestError,
  createApi,
  createHttpApi,
  unwrap,
  type FetchLike,
} from '../../src-renderer/lib/api/index.js';
import { tempManager, tinyConfig } from './helpers.js';

const { manager, databasePath, dir } = tempManager('raptr-server-client-');
const handlers = createHandlers({ manager, databasePath, electronVersion: null });
let server: RunningServer;
let api: RaptrApi;
const connection: boolean[] = [];

beforeAll(async () => {
  server = await startServer({ manager, databasePath, port: 0, staticDir: dir });
  api = createHttpApi({
    baseUrl: server.url,
    WebSocket,
    reconnect: { initialMs: 50, maxMs: 200 },
    onConnectionChange: (connected) => connection.push(connected),
  });
});
afterAll(async () => {
  await server.close();
  await manager.shutdown();
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the API client over HTTP', () => {
  it('answers as dispatch does, and turns refusals into typed errors', async () => {
    const presets = await api.presets.list({});
    expect(presets).toEqual(fromWireJson(toWireJson(await dispatch(handlers, 'presets:list', {}))));
    expect(unwrap(presets).length).toBeGreaterThan(0);

    const missing = await api.runs.get({ id: 'nosuchrun' });
    expect(missing).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no run with id "nosuchrun"' },
    });
    expect(() => unwrap(missing)).toThrow(ApiRequestError);
    expect(() => unwrap(missing)).toThrow('no run with id "nosuchrun"');
    try {
      unwrap(missing);
    } catch (error) {
      expect((error as ApiRequestError).code).toBe('not-found');
    }

    const invalid = await api.metrics.series({ runId: 'x', keys: [], xAxis: 'step', buckets: 0 });
    expect(invalid.ok === false && invalid.error.issues?.map((i) => i.path)).toEqual(['keys', 'buckets']);
  });

  it('delivers live events to on() listeners, and closes the socket when the last one leaves', async () => {
    const statuses: string[] = [];
    let steps = 0;
    const offStatus = api.on('run:status', ({ status }) => statuses.push(status));
    const offMetrics = api.on('run:metrics', (batch: Events['run:metrics']) => (steps += batch.steps.length));
    await until(() => server.eventClients() === 1);
    const run = unwrap(await api.runs.create({ config: tinyConfig, name: 'client' }));
    await manager.waitFor(run.id);
    await until(() => statuses.includes('completed'));
    expect(statuses).toEqual(['queued', 'running', 'completed']);
    expect(steps).toBe(60);
    offStatus();
    expect(server.eventClients()).toBe(1);
    offMetrics();
    await until(() => server.eventClients() === 0);
  });

  it('reconnects after the server restarts, and keeps delivering to the same listeners', async () => {
    const statuses: string[] = [];
    connection.length = 0;
    const off = api.on('run:status', ({ status }) => statuses.push(status));
    await until(() => connection.at(-1) === true);
    const port = server.port;
    await server.close();
    await until(() => connection.at(-1) === false);
    server = await startServer({ manager, databasePath, port, staticDir: dir });
    await until(() => connection.at(-1) === true);
    expect(connection).toEqual([true, false, true]);

    const run = unwrap(await api.runs.create({ config: tinyConfig, start: false }));
    unwrap(await api.runs.start({ id: run.id }));
    await until(() => statuses.includes('queued'));
    unwrap(await api.runs.stop({ id: run.id }));
    await manager.waitFor(run.id);
    await until(() => statuses.includes('stopped'));
    off();
  });

  it('reports an unreachable server and answers that are not results as internal errors', async () => {
    const nowhere = createHttpApi({ baseUrl: 'http://127.0.0.1:9' });
    const unreachable = await nowhere.system.info({});
    expect(unreachable).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(!unreachable.ok && unreachable.error.message).toMatch(/^cannot reach the RaPTr server/);

    const proxyPage: FetchLike = async () => ({ status: 502, text: async () => '<html>Bad Gateway</html>' });
    const behindProxy = createHttpApi({ baseUrl: 'http://example.invalid', fetch: proxyPage });
    expect(await behindProxy.presets.list({})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'the server answered HTTP 502 without a result' },
    });
  });

  it('sends typed JSON with same-origin credentials, and keeps NaN and Infinity from the wire', async () => {
    const sent: Array<{ url: string; init: Parameters<FetchLike>[1] }> = [];
    const fake: FetchLike = async (url, init) => {
      sent.push({ url, init });
      return {
        status: 200,
        text: async () => toWireJson({ ok: true, value: [NaN, Infinity, -Infinity, 1] }),
      };
    };
    const client = createHttpApi({ baseUrl: 'http://host:7860/', fetch: fake });
    expect(await client.metrics.keys({ runId: 'r1' })).toEqual({
      ok: true,
      value: [NaN, Infinity, -Infinity, 1],
    });
    expect(sent).toEqual([
      {
        url: 'http://host:7860/api/metrics:keys',
        init: {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"runId":"r1"}',
          credentials: 'same-origin',
        },
      },
    ]);
    // Only the exact marker is revived: look-alikes stay what they were.
    const lookalikes = [
      { $nonFinite: 'x' },
      { $nonFinite: 'NaN', other: 1 },
      { $nonFinite: 5 },
      '$nonFinite',
    ];
    expect(fromWireJson(toWireJson(lookalikes))).toEqual(lookalikes);
  });
});

describe('createApi', () => {
  it('uses window.raptr when the preload provides it, and asks for an address when nothing does', () => {
    const scope = globalThis as { raptr?: unknown };
    const bridged = { runs: {}, on: () => () => {} } as unknown as RaptrApi;
    scope.raptr = bridged;
    try {
      expect(createApi()).toBe(bridged);
    } finally {
      delete scope.raptr;
    }
    expect(() => createApi()).toThrow(/baseUrl/); // Node has no page origin
    expect(createApi({ baseUrl: server.url }).runs.list).toBeTypeOf('function');
  });
});
