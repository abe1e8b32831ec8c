// Starts a trainer with Electron's utilityProcess.fork (inside the desktop app). Same TrainerHost as
// fork-host.ts, so the run manager does not know which kind of process it drives. Differences handled
// here: a utility process reports only an exit code (no signal) and its kill() only sends SIGTERM; and a
// trainer that trains on WebGPU asks for a hidden GPU renderer (Dawn cannot load in a utility process),
// which this host opens, connects to the trainer with a MessagePort, and closes with it.
import { MessageChannelMain, utilityProcess, type UtilityProcess } from 'electron';
import type { GpuRenderer } from '../electron/gpu-window.js';
import { trainerEntryPath } from './fork-host.js';
import { TailBuffer, validateTrainerMessage, type TrainerExit, type TrainerHost } from './trainer-host.js';
import {
  assertNever,
  HostRequestSchema,
  type HostMessage,
  type HostRequest,
  type TrainerMessage,
} from '../../shared/trainer-protocol.js';

/** How long an exit waits for the last stderr bytes before it is reported anyway. */
const STDERR_DRAIN_MS = 1000;

/** Opens a hidden GPU renderer (electron/gpu-window.ts); absent where there is none to open. */
export type OpenGpuRenderer = () => GpuRenderer;

export function utilityTrainer(
  env: NodeJS.ProcessEnv = process.env,
  openGpuRenderer?: OpenGpuRenderer,
): TrainerHost {
  const child = utilityProcess.fork(trainerEntryPath(), [], {
    serviceName: 'RaPTr trainer',
    stdio: 'pipe',
    env: definedOnly(env),
  });
  const stderr = new TailBuffer();
  const stderrDrained = drain(child, stderr);
  const messageHandlers: Array<(message: TrainerMessage) => void> = [];
  const exitHandlers: Array<(exit: TrainerExit) => void> = [];
  let exit: TrainerExit | null = null;
  let exited = false;
  let killedWith: NodeJS.Signals | null = null;

  const post = (message: HostMessage) => {
    if (!exited) child.postMessage(message);
  };

  // One GPU renderer per trainer at most, and never longer than the trainer.
  let renderer: GpuRenderer | null = null;
  const closeRenderer = () => {
    renderer?.close();
    renderer = null;
  };
  const answer = (request: HostRequest) => {
    switch (request.type) {
      case 'open-gpu-renderer': {
        closeRenderer();
        if (!openGpuRenderer)
          return post({ type: 'gpu-renderer-gone', reason: 'this app opens no GPU renderer' });
        const opened = openGpuRenderer();
        renderer = opened;
        opened.onGone((reason) => {
          if (renderer === opened) post({ type: 'gpu-renderer-gone', reason });
        });
        const { port1, port2 } = new MessageChannelMain();
        opened.connect(port2);
        if (!exited) child.postMessage({ type: 'gpu-renderer' } satisfies HostMessage, [port1]);
        return;
      }
      case 'close-gpu-renderer':
        return closeRenderer();
      default:
        assertNever(request, 'host request');
    }
  };

  child.on('message', (raw: unknown) => {
    const request = HostRequestSchema.safeParse(raw);
    if (request.success) return answer(request.data);
    const message = validateTrainerMessage(raw);
    for (const handler of messageHandlers) handler(message);
  });
  child.on('error', (type, location) => stderr.push(`\n${type} in the trainer at ${location}\n`));
  child.on('exit', (code) => {
    exited = true;
    closeRenderer();
    // Like child_process 'close': report the exit after the stderr stream has ended, and one turn of
    // the event loop later, so the last messages and stderr lines reach the run manager first.
    void withTimeout(stderrDrained, STDERR_DRAIN_MS).then(() =>
      setImmediate(() => {
        exit = mapExit(code, killedWith);
        for (const handler of exitHandlers) handler(exit);
      }),
    );
  });

  return {
    get pid() {
      return child.pid;
    },
    send: post,
    onMessage: (handler) => {
      messageHandlers.push(handler);
    },
    onExit: (handler) => {
      exitHandlers.push(handler);
      if (exit) handler(exit); // a late listener (delete after the exit) still hears it
    },
    kill: (signal = 'SIGTERM') => {
      if (exited) return;
      killedWith = signal;
      // utilityProcess.kill() can only send SIGTERM; a forced stop needs the real signal.
      if (signal === 'SIGTERM' || child.pid === undefined) child.kill();
      else process.kill(child.pid, signal);
    },
    stderrTail: () => stderr.toString(),
  };
}

/**
 * A utility process exits with a code only. A clean exit stays clean; an exit after we killed the
 * process reads as that signal (the run manager treats a SIGKILL after a stop request as "stopped").
 */
export function mapExit(code: number, killedWith: NodeJS.Signals | null): TrainerExit {
  if (code === 0 || killedWith === null) return { code, signal: null };
  return { code: null, signal: killedWith };
}

/** Keeps stderr's tail and empties stdout (an unread pipe would fill up and block the trainer). */
function drain(child: UtilityProcess, stderr: TailBuffer): Promise<void> {
  child.stdout?.resume();
  const stream = child.stderr;
  if (!stream) return Promise.resolve();
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => stderr.push(chunk));
  return new Promise<void>((resolve) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Electron's env option takes strings only; process.env may hold undefined values. */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
