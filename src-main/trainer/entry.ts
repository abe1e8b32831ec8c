// The trainer process: waits for one start request, trains, reports every step, and exits.
// Started by the run manager (Electron utilityProcess) or by the CLI and server (child_process.fork).
// Inside Electron, a run on WebGPU trains in a hidden GPU renderer (gpu-route/): this process then
// prepares the data, writes the checkpoints and relays the renderer's messages.
import { parseRunConfig } from '../../shared/config/validate.js';
import {
  assertNever,
  HostMessageSchema,
  type StartRequest,
  type TrainerMessage,
} from '../../shared/trainer-protocol.js';
import { cacheDir } from '../paths.js';
import { probeBackends } from './backend/select-backend.js';
import { connectToHost } from './channel.js';
import { errorReport } from './error-message.js';
import { chooseRoute, probeRenderer } from './gpu-route/utility/choose-route.js';
import { driveRenderer, stallMsFrom, type RendererRun } from './gpu-route/utility/drive-renderer.js';
import { RendererOpener } from './gpu-route/utility/renderer-opener.js';
import { nodeEngineIO, trainInNode } from './node-engine.js';

const channel = connectToHost();
let stopRequested = false;
let checkpointRequested = false;
/** CPU threads the host gives this run now (its share of the cores); null until it says. */
let threadsGranted: number | null = null;
let started = false;
/** The run on the GPU renderer, once there is one: stop and checkpoint requests go to it. */
let rendererRun: RendererRun | null = null;
// Messages go out in order; exit waits for the last one to be delivered.
let outbox: Promise<void> = Promise.resolve();
const emit = (message: TrainerMessage) => {
  outbox = outbox.then(() => channel.send(message));
};
const opener = new RendererOpener((request) => void channel.send(request));
// Dawn cannot run in Electron's processes; Chromium's WebGPU can, in a renderer main opens for us.
const openRenderer = process.versions.electron ? opener.open : null;

async function fail(error: unknown): Promise<never> {
  emit(errorReport(error));
  await outbox.catch(() => undefined);
  process.exit(1);
}

async function exitWith(code: number): Promise<never> {
  await outbox;
  process.exit(code);
}

/** Trains the run here or on the GPU renderer; resolves to the exit code. */
async function train(start: StartRequest): Promise<number> {
  const parsed = parseRunConfig(start.config);
  // An invalid config trains nowhere: the engine reports every issue.
  const route = parsed.ok
    ? await chooseRoute(parsed.config.training.backend, openRenderer)
    : { kind: 'here' as const };
  const files = { outDir: start.outDir, resume: start.resume, cacheDir: cacheDir() };
  if (route.kind === 'renderer') {
    const { port, adapter, close } = route.connection;
    const run = driveRenderer({
      port,
      adapter,
      config: start.config,
      io: nodeEngineIO(files),
      emit,
      stallMs: stallMsFrom(process.env),
      telemetryMs: 5000,
    });
    rendererRun = run;
    if (stopRequested) run.stop();
    const code = await run.finished;
    close();
    return code;
  }
  await trainInNode(start.config, {
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
    ...files,
    webgpuUnavailable: route.webgpuUnavailable,
  });
  return 0;
}

channel.onMessage((raw, ports) => {
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
      rendererRun?.stop();
      return;
    case 'checkpoint-now':
      checkpointRequested = true;
      rendererRun?.checkpointNow();
      return;
    case 'threads':
      threadsGranted = message.threads;
      return;
    case 'probe':
      probeBackends(openRenderer ? () => probeRenderer(openRenderer) : undefined)
        .then((backends) => {
          emit({ type: 'probe', backends });
          return exitWith(0);
        })
        .catch(fail);
      return;
    case 'start':
      if (started) return;
      started = true;
      threadsGranted ??= message.threads;
      train(message).then(exitWith).catch(fail);
      return;
    case 'gpu-renderer':
      opener.offered(ports);
      return;
    case 'gpu-renderer-gone':
      if (!opener.gone(message.reason)) rendererRun?.rendererGone(message.reason);
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
  rendererRun?.stop();
  setTimeout(() => process.exit(0), 30_000).unref();
});
process.on('uncaughtException', (error) => void fail(error));
process.on('unhandledRejection', (error) => void fail(error));
emit({ type: 'ready', pid: process.pid });
