// The GPU renderer's side of the route: say which adapter navigator.gpu offers, then train the run the
// utility process starts, with the same engine as the Node trainer (train-loop.ts) and I/O over the port.
// Every trainer message goes to the utility process, which relays it to main unchanged.
import { assertNever, type TrainerMessage } from '../../../../shared/trainer-protocol.js';
import { errorReport } from '../../error-message.js';
import { train } from '../../train-loop.js';
import type { EnginePort } from '../engine-port.js';
import { HostToRendererSchema, type HostToRenderer, type RendererMessage } from '../protocol.js';
import { findBrowserAdapter } from './browser-backend.js';
import { HostClient } from './host-client.js';
import { rendererEngineIO, type ProcessStats } from './renderer-io.js';

export interface ServeOptions {
  /** navigator.gpu, or undefined where the page has none. */
  gpu: GPU | undefined;
  processStats?: () => Promise<ProcessStats>;
}

/** Serves one run on this port; resolves once the engine has finished (or failed) and said so. */
export function serveEngine(port: EnginePort, options: ServeOptions): Promise<void> {
  const send = (message: RendererMessage) => port.post(message);
  const emit = (message: TrainerMessage) => send({ type: 'trainer', message });
  const host = new HostClient(port);
  let stopRequested = false;
  let checkpointRequested = false;
  let started = false;
  const adapter = findBrowserAdapter(options.gpu);
  void adapter.then((found) => send({ type: 'hello', adapter: found.report }));

  return new Promise((resolve) => {
    const run = async (start: Extract<HostToRenderer, { type: 'start' }>) => {
      const io = rendererEngineIO(host, {
        adapter: await adapter,
        platform: start.platform,
        keepsFiles: start.keepsFiles,
        processStats: options.processStats,
      });
      const control = {
        stopRequested: () => stopRequested,
        checkpointRequested: () => {
          const asked = checkpointRequested;
          checkpointRequested = false;
          return asked;
        },
      };
      try {
        await train(start.config, { emit, control, io, telemetryMs: start.telemetryMs });
        send({ type: 'finished', ok: true });
      } catch (error) {
        emit(errorReport(error));
        send({ type: 'finished', ok: false });
      }
      resolve();
    };

    port.onMessage((raw) => {
      const parsed = HostToRendererSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        emit({
          type: 'log',
          level: 'warn',
          message: `the GPU renderer ignored a malformed message (${issue?.message})`,
        });
        return;
      }
      const message = parsed.data;
      switch (message.type) {
        case 'start':
          if (started) return;
          started = true;
          void run(message);
          return;
        case 'stop':
          stopRequested = true;
          return;
        case 'checkpoint-now':
          checkpointRequested = true;
          return;
        case 'reply':
          try {
            host.settle(message.id, message.outcome);
          } catch (error) {
            emit({ type: 'log', level: 'warn', message: (error as Error).message });
          }
          return;
        default:
          assertNever(message, 'message to the GPU renderer');
      }
    });
  });
}
