// Starts the real `raptr serve` on a free port with a fresh database, for end-to-end tests: the same
// command a user runs, read from its banner, stopped with SIGTERM (runs checkpoint, then it exits).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Served {
  url: string;
  folder: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

export async function startServe(): Promise<Served> {
  for (const built of ['dist/src-main/cli/index.js', 'dist/renderer/index.html'])
    if (!existsSync(join(root, built)))
      throw new Error(`e2e: ${built} is missing; run \`npm run build\` first (npm test does)`);
  const folder = mkdtempSync(join(tmpdir(), 'raptr-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'bin', 'raptr.js'), 'serve', '--port', '0', '--db', join(folder, 'runs.db')],
    { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`raptr serve printed no URL in 30 s:\n${output}`)),
      30_000,
    );
    const check = () => {
      const match = /serving (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`raptr serve exited (${code}):\n${output}`)));
  });
  return {
    url,
    folder,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timeout);
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
