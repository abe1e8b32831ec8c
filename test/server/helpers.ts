// What the server tests share: a run manager on a temporary database, a tiny polynomial run (a few seconds
// on a CPU), and plain HTTP helpers that show exactly what went over the wire.
import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { fromWireJson } from '../../shared/http-wire.js';
import type { EventName, Events } from '../../shared/ipc-contract.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { openDatabase } from '../../src-main/store/index.js';

export const tinyConfig = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  training: { batchSize: 32, steps: 60, evalEvery: 10, backend: 'wasm' },
};

export function tempManager(prefix: string): { manager: RunManager; databasePath: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const databasePath = join(dir, 'raptr.db');
  const manager = new RunManager({
    db: openDatabase(databasePath),
    runsDir: join(dir, 'runs'),
    slots: { gpus: [], cpu: 2 },
  });
  return { manager, databasePath, dir };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body decoded as the server writes JSON; undefined when it is not JSON. */
  json: unknown;
}

/**
 * One raw HTTP request: the path goes out byte for byte (fetch would normalize "/../" away), and any
 * header can be set or left out.
 */
export function rawRequest(
  base: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = fromWireJson(text);
          } catch {
            // not JSON: a page or a file
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POST /api/<channel> the way any client would. */
export async function post(
  base: string,
  channel: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(`api/${channel}`, base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: fromWireJson(await response.text()) };
}

/** One frame of the event socket, typed by its event name. */
export type Frame = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

/** A client of a server's event socket, open, with every frame it receives collected in order. */
export async function connectEvents(port: number): Promise<{ ws: WebSocket; frames: Frame[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(fromWireJson(String(data)) as Frame));
  await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
  return { ws, frames };
}

/** Waits until `condition` holds, checking every 20 ms, failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
