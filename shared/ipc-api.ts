// The zod-free half of the IPC contract: channel and event names, results, events and the typed API
// object. The sandboxed preload bundles only this (the request schemas, with zod, stay in
// ipc-contract.ts and run in main and the server, where payloads are validated).
import type { RunStatus } from './api-types.js';
import type { ChannelRequest, ChannelResponse } from './ipc-contract.js';
import type { EvalResult, StagePlan, StepMetrics } from './trainer-protocol.js';

/** Every channel, once; ipc-contract.ts checks its schemas cover exactly these. */
export const CHANNEL_NAMES = [
  'runs:list',
  'runs:columns',
  'runs:logs',
  'runs:bulk',
  'runs:get',
  'runs:create',
  'runs:start',
  'runs:stop',
  'runs:resume',
  'runs:update',
  'runs:delete',
  'runs:compare',
  'metrics:series',
  'metrics:batch',
  'metrics:keys',
  'metrics:masks',
  'presets:list',
  'config:validate',
  'export:run',
  'export:download',
  'system:info',
] as const;

export type Channel = (typeof CHANNEL_NAMES)[number];

export function isChannel(name: string): name is Channel {
  return (CHANNEL_NAMES as readonly string[]).includes(name);
}

// ---------------------------------------------------------------- results and errors

export type ApiErrorCode = 'invalid-input' | 'not-found' | 'conflict' | 'unauthorized' | 'internal';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
  /** One entry per problem, naming the field ("config.model.heads"), for forms. */
  issues?: Array<{ path: string; message: string }>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ---------------------------------------------------------------- events (main -> renderer)

/** One step's numbers as the charts need them (a subset of the trainer's step message). */
export type LiveStep = Pick<
  StepMetrics,
  | 'step'
  | 'stage'
  | 'lr'
  | 'loss'
  | 'mask'
  | 'active'
  | 'scale'
  | 'cumFlops'
  | 'cumFullFlops'
  | 'tokens'
  | 'stepMs'
  | 'examplesPerSec'
  | 'wallMs'
>;

export interface Events {
  'run:status': { runId: string; status: RunStatus };
  /** Steps batched: at most about 10 messages a second per run, never one per step. */
  'run:metrics': { runId: string; steps: LiveStep[] };
  'run:eval': { runId: string; step: number; stage: number; reason: string; results: EvalResult[] };
  'run:stage': { runId: string; step: number; stage: StagePlan };
  'run:log': { runId: string; level: 'info' | 'warn' | 'error'; message: string };
  /** The run's name, tags or archived flag changed (another window, another process): re-read it. */
  'run:updated': { runId: string };
  'run:deleted': { runId: string };
  /** Device telemetry (CPU %, RSS, GPU utilisation and memory), every few seconds while training. */
  'run:system': { runId: string; step: number; metrics: EvalResult[] };
}

export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = [
  'run:status',
  'run:metrics',
  'run:eval',
  'run:stage',
  'run:log',
  'run:updated',
  'run:deleted',
  'run:system',
];

// ---------------------------------------------------------------- the typed API object

type Namespace = Channel extends `${infer N}:${string}` ? N : never;

/**
 * window.raptr in Electron (from the preload) and the HTTP client in a browser: one method per channel,
 * grouped by namespace (raptr.runs.list(...), raptr.metrics.series(...)), plus typed event subscription.
 */
export type RaptrApi = {
  [N in Namespace]: {
    [C in Channel as C extends `${N}:${infer M}` ? M : never]: (
      request: ChannelRequest<C>,
    ) => Promise<Result<ChannelResponse<C>>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** Splits "runs:list" into ["runs", "list"]. */
export function channelParts(channel: Channel): [string, string] {
  const [namespace, method] = channel.split(':') as [string, string];
  return [namespace, method];
}

/** Builds the API object from one function that sends a request on a channel (each transport has one). */
export function buildApi(
  invoke: (channel: Channel, request: unknown) => Promise<Result<unknown>>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => () => void,
): RaptrApi {
  const api: Record<string, Record<string, (request: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [namespace, method] = channelParts(channel);
    (api[namespace] ??= {})[method] = (request: unknown) => invoke(channel, request ?? {});
  }
  return { ...api, on: subscribe } as unknown as RaptrApi;
}
