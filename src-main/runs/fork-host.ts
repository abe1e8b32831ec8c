// Starts a trainer with child_process.fork (everywhere but inside Electron).
import { fork } from 'node:child_process';
import { findBuiltFile } from '../built-file.js';
import { TailBuffer, validateTrainerMessage, type TrainerHost } from './trainer-host.js';

/** dist/src-main/trainer/entry.js, found from the compiled module or from the sources (tests). */
export function trainerEntryPath(): string {
  return findBuiltFile('the trainer', import.meta.url, [
    '../trainer/entry.js',
    '../../dist/src-main/trainer/entry.js',
  ]);
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
