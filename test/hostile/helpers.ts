// What the hostile-input tests share: the built CLI run as a user runs it, `raptr serve` in a child process
// on a database the test chooses, and waiting for a run to reach a final status over the API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post } from '../server/helpers.js';

export const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'bin/raptr.js');

function assertBuilt(): void {
  if (!existsSync(join(root, 'dist/src-main/cli/index.js')))
    throw new Error('the CLI is not built: run `npm run build` before these tests (npm test does)');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `raptr ARGS` to its end; RAPTR_HOME is a fresh folder unless given. */
export function raptr(
  args: string[],
  options: {
    home?: string;
    cwd?: string;
    input?: string;
    timeoutMs?: number;
    env?: NodeJS.ProcessEnv;
  } = {},
): CliResult {
  assertBuilt();
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'raptr-hostile-home-'));
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    input: options.input,
    env: { ...process.env, RAPTR_HOME: home, RAPTR_DB: '', ...options.env },
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `raptr serve --port 0 --db DB --json`, resolved once it prints where it serves. */
export async function serveProcess(db: string): Promise<ServeProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', db, '--json'], {
    env: { ...process.env, RAPTR_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  let url: string | null = null;
  while (url === null) {
    const line = output.split('\n').find((l) => l.startsWith('{'));
    if (line) url = (JSON.parse(line) as { url: string }).url;
    else if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`raptr serve did not start:\n${output}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Calls a channel; the contract's { ok, value } or { ok: false, error }. */
export async function call<T = unknown>(
  url: string,
  channel: string,
  payload: unknown,
): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  const { status, body } = await post(url, channel, payload);
  if (status !== 200) throw new Error(`${channel} answered HTTP ${status}`);
  return body as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
}

const FINAL = ['stopped', 'completed', 'failed', 'interrupted'];

/** Polls runs:get until the run's status is final; its detail's run row. */
export async function waitForFinal(
  url: string,
  id: string,
  timeoutMs = 90_000,
): Promise<{ status: string; errorTail: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call<{ run: { status: string; errorTail: string | null } }>(url, 'runs:get', { id });
    if (reply.ok && FINAL.includes(reply.value.run.status)) return reply.value.run;
    if (Date.now() > deadline) throw new Error(`run ${id} did not finish: ${JSON.stringify(reply)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
