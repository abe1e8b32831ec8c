// 1,000 malformed payloads through the Electron transport (window.raptr -> ipcRenderer -> ipcMain ->
// dispatch): every one gets an error result, none crashes main or creates anything, and main keeps
// answering. Seeded, so a failure replays exactly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CHANNEL_NAMES,
  CHANNELS,
  channelParts,
  type RaptrApi,
  type Result,
} from '../../shared/ipc-contract.js';
import { Rng } from '../../shared/rng.js';
import { fake } from './fake/electron.js';

vi.mock('electron', () => import('./fake/electron.js'));

const rng = Rng.stream(20_260_127, 'ipc-fuzz');
const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
const WEIRD_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  'runs:list',
  '\u0000',
  '💥',
  'x'.repeat(70_000),
];

/** Any value Electron's IPC can carry (structured-cloneable), nested a few levels. */
function junk(depth = 0): unknown {
  const leaves: Array<() => unknown> = [
    () => rng.next() * 2 ** rng.int(80) * (rng.bernoulli(0.5) ? -1 : 1),
    () => pick([NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER + 2, 0.5]),
    () => pick(WEIRD_STRINGS),
    () => rng.nextUint32().toString(36),
    () => rng.bernoulli(0.5),
    () => null,
    () => undefined,
    () => BigInt(rng.int(1000)),
    () => new Date(rng.int(2 ** 31) * 1000),
    () => new Uint8Array(rng.int(16)),
  ];
  if (depth > 3 || rng.bernoulli(0.5)) return pick(leaves)();
  if (rng.bernoulli(0.2)) return new Map([[junk(depth + 1), junk(depth + 1)]]);
  if (rng.bernoulli(0.4)) return Array.from({ length: rng.int(5) }, () => junk(depth + 1));
  return junkObject(depth + 1, []);
}

function junkObject(depth: number, fields: string[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of fields) if (rng.bernoulli(0.7)) object[field] = junk(depth);
  for (let i = rng.int(3); i >= 0; i--)
    Object.defineProperty(object, pick([...WEIRD_STRINGS, 'extra', 'id2']), {
      value: junk(depth),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  return object;
}

/** Malformed for sure: not an object at all, or an object with a key the (strict) schema does not know. */
function malformedPayload(channel: keyof typeof CHANNELS): unknown {
  if (rng.bernoulli(0.35))
    return pick<() => unknown>([
      () => rng.next() * 1000,
      () => pick(WEIRD_STRINGS),
      () => rng.bernoulli(0.5),
      () => BigInt(7),
      () => Array.from({ length: rng.int(4) }, () => junk(2)),
    ])();
  return junkObject(1, Object.keys(CHANNELS[channel].shape));
}

let raptr: RaptrApi;
beforeAll(async () => {
  process.env.RAPTR_HOME = mkdtempSync(join(tmpdir(), 'raptr-electron-fuzz-'));
  delete process.env.RAPTR_DB;
  await (
    await import('../../src-main/main.js')
  ).desktopReady;
  await import('../../src-main/preload.js');
  raptr = fake.contextBridge.exposed.get('raptr') as RaptrApi;
});
afterAll(async () => {
  fake.app.quit();
  await fake.app.whenQuit();
});

type Method = (request: unknown) => Promise<Result<unknown>>;
const method = (channel: (typeof CHANNEL_NAMES)[number]): Method => {
  const [ns, name] = channelParts(channel);
  return (raptr as unknown as Record<string, Record<string, Method>>)[ns]![name]!;
};

describe('fuzzing the Electron IPC transport', () => {
  it('answers 1,000 malformed payloads with invalid-input errors and keeps answering', async () => {
    const codes = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const channel = pick(CHANNEL_NAMES);
      const payload = malformedPayload(channel);
      const result = await method(channel)(payload);
      if (result.ok) throw new Error(`${channel} accepted ${JSON.stringify(payload, (_k, v) => String(v))}`);
      codes.set(result.error.code, (codes.get(result.error.code) ?? 0) + 1);
      expect(typeof result.error.message).toBe('string');
      if (i % 100 === 99) expect((await raptr.presets.list({})).ok).toBe(true);
    }
    expect([...codes.keys()]).toEqual(['invalid-input']);
    expect(await raptr.runs.list({ archived: null })).toEqual({ ok: true, value: [] });
  });

  it('rejects channels without a handler and payloads IPC cannot carry, without harm to main', async () => {
    for (const channel of ['runs:exec', 'shell:open', '__proto__', '', 'runs:list '.repeat(3)])
      await expect(fake.ipcRenderer.invoke(channel, {})).rejects.toThrow(/No handler registered/);
    for (const payload of [{ f: () => 1 }, Symbol('s'), { s: Symbol('t') }])
      await expect(raptr.runs.list(payload as never)).rejects.toThrow(/could not be cloned/);
    expect(await raptr.runs.list({})).toEqual({ ok: true, value: [] });
  });
});
