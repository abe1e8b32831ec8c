// 1,000 malformed requests against a real `raptr serve` process (the built CLI): wrong types, missing
// fields, unknown and prototype keys, deep nesting, huge strings, bodies that are not JSON or are too large,
// unknown channels, wrong methods and content types. Every answer must be a { ok: false, error } body
// with the expected status, the process must stay up and still answer a valid call, nothing may have been
// created, and SIGTERM must still stop it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromWireJson } from '../../shared/http-wire.js';
import type { ApiErrorCode } from '../../shared/ipc-contract.js';
import { DEFAULT_MAX_BODY_BYTES } from '../../src-main/server/api-route.js';
import { startServer } from '../../src-main/server/index.js';
import { fuzzCases, type FuzzCase } from './fuzz-cases.js';
import { post, tempManager } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const SEED = 20_250_501;
const CODES: ApiErrorCode[] = ['invalid-input', 'not-found', 'conflict', 'unauthorized', 'internal'];
let child: ChildProcess;
let base: string;
let stdout = '';

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/src-main/cli/serve.js')))
    throw new Error('the CLI is not built: run `npm run build` before this test');
  const home = mkdtempSync(join(tmpdir(), 'raptr-fuzz-'));
  child = spawn(
    process.execPath,
    [join(root, 'bin/raptr.js'), 'serve', '--port', '0', '--db', join(home, 'raptr.db')],
    { env: { ...process.env, RAPTR_HOME: home, RAPTR_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/serving (http:\S+)/.test(stdout)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`raptr serve did not start: ${stdout}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  base = /serving (http:\S+)/.exec(stdout)![1]!;
});
afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

async function send(c: FuzzCase): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}api/${c.channel}`, {
    method: c.method,
    headers: c.contentType ? { 'Content-Type': c.contentType } : {},
    body: c.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = fromWireJson(text);
  } catch {
    // left as text: the assertion below shows it
  }
  return { status: response.status, body };
}

describe('raptr serve under malformed input', () => {
  it('answers 1,000 malformed requests with errors, and keeps answering', async () => {
    const cases = fuzzCases(SEED, 1000, DEFAULT_MAX_BODY_BYTES);
    const kinds = new Map<string, number>();
    for (const c of cases) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    expect([...kinds.keys()].sort()).toEqual(
      ['not-json', 'payload', 'too-large', 'unknown-channel', 'wrong-method', 'wrong-type'].sort(),
    );

    const started = Date.now();
    const failures: string[] = [];
    for (let i = 0; i < cases.length; i += 8) {
      const batch = cases.slice(i, i + 8);
      const replies = await Promise.all(batch.map(send));
      replies.forEach(({ status, body }, j) => {
        const c = batch[j]!;
        const error = (body as { ok?: unknown; error?: { code?: unknown; message?: unknown } }).error;
        const good =
          status === c.status &&
          (body as { ok?: unknown }).ok === false &&
          CODES.includes(error?.code as ApiErrorCode) &&
          typeof error?.message === 'string';
        if (!good)
          failures.push(
            `case ${i + j} (${c.kind} ${c.method} ${c.channel.slice(0, 40)}): ${status} ${String(JSON.stringify(body)).slice(0, 200)}`,
          );
      });
    }
    expect(failures).toEqual([]);
    const elapsedMs = Date.now() - started;

    expect(child.exitCode).toBeNull();
    expect((await post(base, 'presets:list', {})).body).toMatchObject({ ok: true });
    expect((await post(base, 'runs:list', { archived: null })).body).toEqual({ ok: true, value: [] });
    console.log(`fuzz: ${cases.length} requests in ${elapsedMs} ms`, Object.fromEntries(kinds));
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('leaves Object.prototype alone when payloads carry prototype keys (in-process)', async () => {
    const { manager, databasePath, dir } = tempManager('raptr-fuzz-proto-');
    const server = await startServer({ manager, databasePath, port: 0, staticDir: dir });
    try {
      for (const channel of ['runs:list', 'runs:create', 'config:validate', 'runs:update', 'system:info']) {
        for (const body of [
          '{"__proto__":{"polluted":true}}',
          '{"constructor":{"prototype":{"polluted":true}}}',
          '{"config":{"__proto__":{"polluted":true}},"id":"x"}',
        ]) {
          const reply = await fetch(`${server.url}api/${channel}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body,
          });
          expect(fromWireJson(await reply.text())).toMatchObject({ ok: false });
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    } finally {
      await server.close();
      await manager.shutdown();
    }
  });
});
