// `raptr serve` as a user runs it (the built CLI in a child process): the banner names the address (and,
// on a network bind, the token and the link that sets it), bad flags and a taken port are input errors,
// and Ctrl-C stops a run in progress with a checkpoint before the process exits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getRun, latestCheckpoint, openDatabase } from '../../src-main/store/index.js';
import { post, tinyConfig } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'bin/raptr.js');

function serve(args: string[]) {
  if (!existsSync(join(root, 'dist/src-main/cli/serve.js')))
    throw new Error('the CLI is not built: run `npm run build` before this test');
  const home = mkdtempSync(join(tmpdir(), 'raptr-serve-cli-'));
  const db = join(home, 'raptr.db');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', db, ...args], {
    env: { ...process.env, RAPTR_HOME: home, RAPTR_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = (async () => {
    const deadline = Date.now() + 30_000;
    while (!/serving (http:\S+)/.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start: ${stdout}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return /serving (http:\S+)/.exec(stdout)![1]!;
  })();
  return { child, db, exited, started, output: () => stdout };
}

describe('raptr serve', () => {
  it('checkpoints a run in progress on SIGINT, then exits 0', async () => {
    const server = serve([]);
    const url = await server.started;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.output()).not.toContain('token');
    const long = { ...tinyConfig, training: { ...tinyConfig.training, steps: 100_000 } };
    const { body } = await post(url, 'runs:create', { config: long, name: 'interrupted' });
    const id = (body as { value: { id: string } }).value.id;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const detail = (await post(url, 'runs:get', { id })).body as {
        value: { summary: { stepsDone: number } };
      };
      if (detail.value.summary.stepsDone >= 20) break;
      if (Date.now() > deadline) throw new Error('the run did not get going');
      await new Promise((r) => setTimeout(r, 100));
    }
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);

    const db = openDatabase(server.db);
    try {
      expect(getRun(db, id)?.status).toBe('stopped');
      expect(latestCheckpoint(db, id)?.step).toBeGreaterThanOrEqual(20);
    } finally {
      db.close();
    }
  });

  it('prints the token and the link that sets it on a network bind', async () => {
    const server = serve(['--host', '0.0.0.0']);
    const url = await server.started;
    const token = /token: (\S+)/.exec(server.output())?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.endsWith(`/?token=${token}`)).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses a bad port and a port in use with exit code 2 and one line saying why', async () => {
    const bad = spawnSync(process.execPath, [cli, 'serve', '--port', 'http'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port: "http" is not a port');

    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const port = (taken.address() as { port: number }).port;
    const home = mkdtempSync(join(tmpdir(), 'raptr-serve-cli-'));
    const busy = spawnSync(
      process.execPath,
      [cli, 'serve', '--port', String(port), '--db', join(home, 'r.db')],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    taken.close();
    expect(busy.status).toBe(2);
    expect(busy.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
  });
});
