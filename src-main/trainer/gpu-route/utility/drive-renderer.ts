// The utility process's side of a run on the GPU renderer: start it, answer its requests with the Node
// I/O, relay its trainer messages to main unchanged (after checking them), pass stop and checkpoint
// requests on, and fail the run with a reason when the renderer dies, hangs (no message for stallMs while
// it holds the turn) or breaks the protocol. A failed run resumes from its last checkpoint on any backend.
import { errorMessage } from '../../../../shared/error-text.js';
import {
  assertNever,
  TrainerMessageSchema,
  type TrainerMessage,
} from '../../../../shared/trainer-protocol.js';
import type { NodeEngineIO } from '../../node-engine.js';
import type { EnginePort } from '../engine-port.js';
import {
  RendererMessageSchema,
  type AdapterReport,
  type HostToRenderer,
  type RendererMessage,
} from '../protocol.js';
import { answerRequest } from './answer-requests.js';

export interface DriveOptions {
  port: EnginePort;
  adapter: Extract<AdapterReport, { ok: true }>;
  /** The raw run config (the engine validates it). */
  config: unknown;
  io: NodeEngineIO;
  emit(message: TrainerMessage): void;
  /** A renderer silent this long while it holds the turn has hung. */
  stallMs: number;
  telemetryMs: number;
}

export interface RendererRun {
  stop(): void;
  checkpointNow(): void;
  /** Main saw the renderer's process go (crash, kill, failed load): fail the run with this reason. */
  rendererGone(reason: string): void;
  /** The trainer's exit code: 0 once the engine finished, 1 when the run failed. */
  readonly finished: Promise<number>;
}

export function driveRenderer(options: DriveOptions): RendererRun {
  const { port, emit } = options;
  const send = (message: HostToRenderer) => port.post(message);
  let lastCheckpoint = 0; // the resumed step once the engine says so, then each checkpoint written
  let lastStep: number | null = null;
  let lastHeard = Date.now();
  let serving = 0; // requests being answered here: the renderer is waiting on us, not hung
  let settle: (code: number) => void = () => {};
  let over = false;
  const finished = new Promise<number>((resolve) => (settle = resolve));

  const end = (code: number) => {
    if (over) return;
    over = true;
    clearInterval(watchdog);
    settle(code);
  };
  const fail = (what: string) => {
    if (over) return;
    const where = lastStep === null ? 'before its first step' : `after step ${lastStep}`;
    emit({
      type: 'error',
      message:
        `the GPU renderer (Chromium's WebGPU, training this run) ${what}; the run stopped ${where}. ` +
        `Resume it to continue from its last checkpoint (step ${lastCheckpoint}) on any backend`,
      stack: null,
    });
    end(1);
  };

  const relay = (raw: unknown) => {
    const parsed = TrainerMessageSchema.safeParse(raw);
    if (!parsed.success)
      return fail(`sent a malformed trainer message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    const message = parsed.data;
    if (message.type === 'step') lastStep = message.step;
    if (message.type === 'checkpoint') lastCheckpoint = message.step;
    if (message.type === 'start') lastCheckpoint = message.resumedFromStep ?? 0;
    emit(message);
  };

  const answer = (id: number, request: Extract<RendererMessage, { type: 'request' }>['request']) => {
    serving++;
    const log = (message: string) => emit({ type: 'log', level: 'info', message });
    const warn = (message: string) => emit({ type: 'log', level: 'warn', message });
    answerRequest(request, { io: options.io, adapter: options.adapter, log, warn })
      .then(
        (value) => send({ type: 'reply', id, outcome: { ok: true, value } }),
        (error: unknown) =>
          send({
            type: 'reply',
            id,
            outcome: { ok: false, error: errorMessage(error) },
          }),
      )
      .finally(() => {
        serving--;
        lastHeard = Date.now();
      });
  };

  port.onMessage((raw) => {
    if (over) return;
    lastHeard = Date.now();
    const parsed = RendererMessageSchema.safeParse(raw);
    if (!parsed.success) return fail(`broke the protocol (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    const message = parsed.data;
    switch (message.type) {
      case 'hello':
        return; // said once when the page loaded; the route was chosen from it
      case 'trainer':
        return relay(message.message);
      case 'request':
        return answer(message.id, message.request);
      case 'finished':
        return end(message.ok ? 0 : 1);
      default:
        assertNever(message, 'GPU renderer message');
    }
  });
  port.onClose(() => fail('closed its end of the connection (its process ended)'));

  const watchdog = setInterval(
    () => {
      if (serving > 0 || Date.now() - lastHeard < options.stallMs) return;
      fail(
        `made no progress for ${Math.round(options.stallMs / 1000)} s (no step, evaluation or checkpoint): ` +
          'the GPU or its driver may have hung (RAPTR_GPU_STALL_SECONDS sets this limit)',
      );
    },
    Math.min(1000, options.stallMs / 4),
  );
  (watchdog as { unref?: () => void }).unref?.();

  send({
    type: 'start',
    config: options.config,
    telemetryMs: options.telemetryMs,
    keepsFiles: options.io.keepsFiles,
    platform: process.platform,
  });

  return {
    stop: () => send({ type: 'stop' }),
    checkpointNow: () => send({ type: 'checkpoint-now' }),
    rendererGone: (reason) => fail(reason),
    finished,
  };
}

/** RAPTR_GPU_STALL_SECONDS (default 300): how long a silent GPU renderer is given before the run fails. */
export function stallMsFrom(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.RAPTR_GPU_STALL_SECONDS ?? 300);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 300_000;
}
