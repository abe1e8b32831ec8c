// Live events over the event socket: everything the run manager reports arrives, in the order it happened,
// with steps batched (a few messages a second, never one per step); clients that close leave nothing
// behind, and a client that stops reading is cut off instead of growing the server's memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunManagerEvent } from '../../src-main/runs/run-manager.js';
import { EventHub, type HubClient } from '../../src-main/server/event-hub.js';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { connectEvents, post, tempManager, tinyConfig, until as waitUntil, type Frame } from './helpers.js';

const { manager, databasePath, dir } = tempManager('raptr-server-events-');
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ manager, databasePath, port: 0, staticDir: dir });
});
afterAll(async () => {
  await server.close();
  await manager.shutdown();
});

const connect = () => connectEvents(server.port);
const until = (condition: () => boolean) => waitUntil(condition, 10_000);

/** One token per thing that happened, in order: what the manager saw, and what the socket delivered. */
function fromManager(event: RunManagerEvent): string[] {
  if (event.type === 'status') return [`status ${event.status}`];
  const m = event.message;
  if (m.type === 'step') return [`step ${m.step}`];
  if (m.type === 'eval') return [`eval ${m.step} ${m.reason}`];
  if (m.type === 'stage') return [`stage ${m.step} ${m.stage.index}`];
  return [];
}
function fromSocket(frame: Frame): string[] {
  switch (frame.event) {
    case 'run:status':
      return [`status ${frame.payload.status}`];
    case 'run:metrics':
      return frame.payload.steps.map((s) => `step ${s.step}`);
    case 'run:eval':
      return [`eval ${frame.payload.step} ${frame.payload.reason}`];
    case 'run:stage':
      return [`stage ${frame.payload.step} ${frame.payload.stage.index}`];
    case 'run:log':
    case 'run:updated':
    case 'run:deleted':
    case 'run:system':
      return []; // logs and telemetry are not ordered against steps (they are not held back with them)
  }
}

describe('the event socket', () => {
  it('delivers what the run manager saw, in order, with steps batched', async () => {
    const { ws, frames } = await connect();
    const seen: string[] = [];
    const unsubscribe = manager.subscribe((event) => seen.push(...fromManager(event)));
    const started = Date.now();
    const { body } = await post(server.url, 'runs:create', { config: tinyConfig, name: 'live' });
    const id = (body as { value: { id: string } }).value.id;
    await manager.waitFor(id);
    const elapsedMs = Date.now() - started;
    await until(() => frames.some((f) => f.event === 'run:status' && f.payload.status === 'completed'));
    unsubscribe();
    ws.close();

    expect(frames.every((f) => f.payload.runId === id)).toBe(true);
    expect(frames.flatMap(fromSocket)).toEqual(seen);
    expect(seen.filter((t) => t.startsWith('step'))).toHaveLength(60);
    expect(seen).toEqual(expect.arrayContaining(['status running', 'stage 0 0', 'status completed']));

    // Batched: one message per 100 ms at most, plus the flushes an eval, stage or status forces.
    const metrics = frames.filter((f) => f.event === 'run:metrics').length;
    const forced = frames.filter((f) => f.event !== 'run:metrics' && f.event !== 'run:log').length;
    expect(metrics).toBeLessThan(60);
    expect(metrics).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + forced + 1);
  });

  it('forgets clients that close, and stops the server with clients still connected', async () => {
    const clients = await Promise.all([connect(), connect(), connect()]);
    expect(server.eventClients()).toBe(3);
    clients[0]!.ws.close();
    clients[1]!.ws.terminate(); // gone without a closing handshake
    await until(() => server.eventClients() === 1);
    const other = await startServer({ manager, databasePath, port: 0, staticDir: dir });
    const socket = new WebSocket(`ws://127.0.0.1:${other.port}/api/events`);
    await new Promise((resolve) => socket.on('open', resolve));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await other.close(); // must not wait for the client
    await closed;
    clients[2]!.ws.close();
    await until(() => server.eventClients() === 0);
  });
});

describe('the event hub', () => {
  function fakeClient(bufferedAmount = 0) {
    const client = { bufferedAmount, sent: [] as string[], terminated: false };
    const hub: HubClient = {
      get bufferedAmount() {
        return client.bufferedAmount;
      },
      send: (text) => void client.sent.push(text),
      terminate: () => void (client.terminated = true),
    };
    return { client, hub };
  }

  it('cuts off a client that stopped reading, and keeps serving the others', () => {
    const hub = new EventHub(1000);
    const reader = fakeClient();
    const stuck = fakeClient();
    hub.add(reader.hub);
    hub.add(stuck.hub);
    hub.broadcast('run:status', { runId: 'a', status: 'running' });
    stuck.client.bufferedAmount = 5000;
    hub.broadcast('run:status', { runId: 'a', status: 'completed' });
    expect(stuck.client.terminated).toBe(true);
    expect(stuck.client.sent).toHaveLength(1);
    expect(reader.client.sent.map((t) => JSON.parse(t))).toEqual([
      { event: 'run:status', payload: { runId: 'a', status: 'running' } },
      { event: 'run:status', payload: { runId: 'a', status: 'completed' } },
    ]);
    expect(hub.size).toBe(1);
  });

  it('survives a client whose send throws, and drops it', () => {
    const hub = new EventHub();
    const broken = fakeClient();
    broken.hub.send = () => {
      throw new Error('socket gone');
    };
    const fine = fakeClient();
    hub.add(broken.hub);
    const remove = hub.add(fine.hub);
    expect(() => hub.broadcast('run:log', { runId: 'a', level: 'info', message: 'hi' })).not.toThrow();
    expect(fine.client.sent).toHaveLength(1);
    expect(hub.size).toBe(1);
    remove();
    expect(hub.size).toBe(0);
  });
});
