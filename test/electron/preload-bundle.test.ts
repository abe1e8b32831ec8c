// The preload as Electron loads it: one CommonJS file (scripts/build-preload.mjs), evaluated here the way
// a sandboxed renderer does, with a `require` that offers nothing but 'electron'. Proves the bundle is
// self-contained and exposes exactly the contract.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, channelParts, EVENT_NAMES } from '../../shared/ipc-contract.js';

const root = join(import.meta.dirname, '..', '..');
let code = '';
beforeAll(() => {
  const outDir = mkdtempSync(join(tmpdir(), 'raptr-preload-'));
  execFileSync(process.execPath, [join(root, 'scripts', 'build-preload.mjs'), outDir], { stdio: 'pipe' });
  code = readFileSync(join(outDir, 'preload.cjs'), 'utf8');
});

function loadSandboxed() {
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Array<(event: unknown, payload: unknown) => void>>();
  const exposed: Record<string, unknown> = {};
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer: {
      invoke: (channel: string, payload: unknown) => (
        invoked.push([channel, payload]),
        Promise.resolve({ ok: true })
      ),
      on: (event: string, listener: (e: unknown, p: unknown) => void) =>
        void listeners.set(event, [...(listeners.get(event) ?? []), listener]),
      removeListener: (event: string, listener: unknown) =>
        void listeners.set(
          event,
          (listeners.get(event) ?? []).filter((l) => l !== listener),
        ),
    },
  };
  const requireInSandbox = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  const module = { exports: {} };
  runInNewContext(code, { require: requireInSandbox, module, exports: module.exports, console });
  return { api: exposed.raptr as Record<string, unknown>, invoked, listeners };
}

describe('the bundled preload', () => {
  it('is one CommonJS file whose only import is electron', () => {
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('runs in a sandbox and exposes window.raptr: the contract channels and `on`, nothing generic', async () => {
    const { api, invoked, listeners } = loadSandboxed();
    const groups = Object.keys(api).filter((k) => k !== 'on');
    const methods = groups.flatMap((ns) => Object.keys(api[ns] as object).map((m) => `${ns}:${m}`));
    expect(methods.sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('send');

    for (const channel of CHANNEL_NAMES) {
      const [ns, method] = channelParts(channel);
      await (api[ns] as Record<string, (r: unknown) => Promise<unknown>>)[method]!({ probe: channel });
    }
    expect(invoked).toEqual(CHANNEL_NAMES.map((c) => [c, { probe: c }]));

    const on = api.on as (event: string, listener: (payload: unknown) => void) => () => void;
    const heard: unknown[] = [];
    const off = on(EVENT_NAMES[0]!, (payload) => heard.push(payload));
    listeners.get(EVENT_NAMES[0]!)!.forEach((l) => l({ sender: 'ipcRenderer' }, { runId: 'a' }));
    expect(heard).toEqual([{ runId: 'a' }]); // the payload only: the IPC event (and its sender) stays inside
    off();
    expect(listeners.get(EVENT_NAMES[0]!)).toEqual([]);
    expect(() => on('runs:list', () => {})).toThrow(/unknown event/);
    expect(() => on(EVENT_NAMES[0]!, 'not a function' as never)).toThrow(/must be a function/);
  });
});
