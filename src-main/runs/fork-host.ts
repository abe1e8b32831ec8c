// Starts a trainer with child_process.fork (everywhere but inside Electron).
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TailBuffer, validateTrainerMessage, type TrainerHost } from './trainer-host.js';

/** dist/src-main/trainer/entry.js, found from the compiled module or from the sources (tests). */
export function trainerEntryPath(): string {
  const candidates = [
    new URL('../trainer/entry.js', import.meta.url),
    new URL('../../dist/src-main/trainer/entry.js', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(`the trainer is not built (looked in ${candidates.join(', ')}); run npm run build`);
  return found;
}

export function forkTrainer(env: NodeJS.ProcessEnv = process.env): TrainerHost {
  const child = fork(trainerEntryPath(), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
  const stderr = new TailBuffer();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => stderr.push(chunk));
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (handler) => child.on('message', (raw) => handler(validateTrainerMessage(raw))),
    // 'close' comes after the exit and after every IPC message and stderr chunk has been delivered.
    onExit: (handler) => child.on('close', (code, signal) => handler({ code, signal })),
    kill: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
    stderrTail: () => stderr.toString(),
  };
}
