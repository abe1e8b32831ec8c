// The trainer process: waits for one start request, trains, reports every step, and exits.
// Started by the run manager (Electron utilityProcess) or by the CLI and server (child_process.fork).
import { ConfigError, formatIssues } from '../../shared/config/validate.js';
import { assertNever, HostMessageSchema, type TrainerMessage } from '../../shared/trainer-protocol.js';
import { cacheDir } from '../paths.js';
import { connectToHost } from './channel.js';
import { train } from './train-loop.js';
import { probeBackends } from './backend/select-backend.js';

const channel = connectToHost();
let stopRequested = false;
let checkpointRequested = false;
/** CPU threads the host gives this run now (its share of the cores); null until it says. */
let threadsGranted: number | null = null;
let started = false;
// Messages go out in order; exit waits for the last one to be delivered.
let outbox: Promise<void> = Promise.resolve();
const emit = (message: TrainerMessage) => {
  outbox = outbox.then(() => channel.send(message));
};

async function fail(error: unknown): Promise<never> {
  const message =
    error instanceof ConfigError
      ? `invalid run config:\n${formatIssues(error.issues).join('\n')}`
      : error instanceof Error
        ? error.message
        : String(error);
  emit({
    type: 'error',
    message,
    stack: error instanceof Error && !(error instanceof ConfigError) ? (error.stack ?? null) : null,
  });
  await outbox.catch(() => undefined);
  process.exit(1);
}

channel.onMessage((raw) => {
  const parsed = HostMessageSchema.safeParse(raw);
  if (!parsed.success) {
    emit({
      type: 'log',
      level: 'warn',
      message: `ignored a malformed host message: ${parsed.error.issues[0]?.message}`,
    });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'stop':
      stopRequested = true;
      return;
    case 'checkpoint-now':
      checkpointRequested = true;
      return;
    case 'threads':
      threadsGranted = message.threads;
      return;
    case 'probe':
      probeBackends()
        .then(async (backends) => {
          emit({ type: 'probe', backends });
          await outbox;
          process.exit(0);
        })
        .catch(fail);
      return;
    case 'start':
      if (started) return;
      started = true;
      threadsGranted ??= message.threads;
      train(message.config, {
        emit,
        control: {
          stopRequested: () => stopRequested,
          checkpointRequested: () => {
            const asked = checkpointRequested;
            checkpointRequested = false;
            return asked;
          },
          threadsGranted: () => threadsGranted,
        },
        outDir: message.outDir,
        resume: message.resume,
        cacheDir: cacheDir(),
      })
        .then(async () => {
          await outbox;
          process.exit(0);
        })
        .catch(fail);
      return;
    default:
      assertNever(message, 'host message');
  }
});

// Ctrl-C in a terminal signals the whole process group, the trainer too. The host decides how a run
// stops (it sends 'stop', and a stop writes a checkpoint first), so the trainer ignores the signal.
process.on('SIGINT', () => {});
// The host is gone (it crashed or was killed): stop after this step rather than train for no one.
process.on('disconnect', () => {
  stopRequested = true;
  setTimeout(() => process.exit(0), 30_000).unref();
});
process.on('uncaughtException', (error) => void fail(error));
process.on('unhandledRejection', (error) => void fail(error));
emit({ type: 'ready', pid: process.pid });
