// The one contract between the renderer and main, for both transports: Electron IPC (preload +
// ipcMain.handle) and `raptr serve` (POST /api/<channel> + a WebSocket for events). Each channel is
// defined once: its request schema (validated by main and by the server) and its response type. Each
// channel takes one object and answers { ok: true, value } or { ok: false, error }.
import { z } from 'zod';
import type {
  CompareResult,
  ConfigCheck,
  ExportResult,
  MaskRow,
  Preset,
  RunDetail,
  RunStatus,
  RunSummary,
  SeriesResult,
  SystemInfo,
} from './api-types.js';
import { RUN_STATUSES, X_AXES } from './api-types.js';
import type { EvalResult, StagePlan, StepMetrics } from './trainer-protocol.js';

const RunId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a run id');
const Tag = z.string().trim().min(1).max(64);
const Empty = z.strictObject({});

export const CHANNELS = {
  'runs:list': z.strictObject({
    text: z.string().max(200).optional(),
    tag: Tag.optional(),
    status: z.union([z.enum(RUN_STATUSES), z.array(z.enum(RUN_STATUSES))]).optional(),
    policy: z.string().max(64).optional(),
    /** false (default): hide archived runs; true: only archived; null: both. */
    archived: z.boolean().nullable().optional(),
    limit: z.number().int().positive().max(100_000).optional(),
    offset: z.number().int().nonnegative().optional(),
  }),
  'runs:get': z.strictObject({ id: RunId }),
  'runs:create': z.strictObject({
    /** A run config; validated by the same schema as everywhere. */
    config: z.unknown(),
    name: z.string().trim().min(1).max(200).optional(),
    preset: z.string().max(100).nullable().optional(),
    tags: z.array(Tag).max(100).optional(),
    notes: z.string().max(100_000).optional(),
    /** Queue it now (default), or keep it to start later with runs:start. */
    start: z.boolean().optional(),
    priority: z.number().int().min(-100).max(100).optional(),
  }),
  /** Queue a run that has never run (created with start: false). */
  'runs:start': z.strictObject({ id: RunId, priority: z.number().int().min(-100).max(100).optional() }),
  'runs:stop': z.strictObject({ id: RunId }),
  /** Continue a stopped, interrupted or failed run from its latest checkpoint. */
  'runs:resume': z.strictObject({ id: RunId, priority: z.number().int().min(-100).max(100).optional() }),
  'runs:update': z.strictObject({
    id: RunId,
    name: z.string().trim().min(1).max(200).optional(),
    tags: z.array(Tag).max(100).optional(),
    notes: z.string().max(100_000).optional(),
    archived: z.boolean().optional(),
  }),
  'runs:delete': z.strictObject({ id: RunId }),
  'runs:compare': z.strictObject({
    ids: z.array(RunId).min(1).max(32),
    atLoss: z.number().finite().optional(),
    key: z.string().min(1).max(200).optional(),
  }),
  'metrics:series': z.strictObject({
    runId: RunId,
    keys: z.array(z.string().min(1).max(200)).min(1).max(64),
    xAxis: z.enum(X_AXES),
    range: z
      .tuple([z.number().finite(), z.number().finite()])
      .refine(([a, b]) => a <= b, 'range must be [x0, x1] with x0 <= x1')
      .optional(),
    buckets: z.number().int().min(1).max(20_000),
  }),
  /** The series keys a run has recorded ("train/loss", "eval/mlm_loss", ...). */
  'metrics:keys': z.strictObject({ runId: RunId }),
  /** The active-block masks of the last steps (the layers x steps heatmap). */
  'metrics:masks': z.strictObject({ runId: RunId, last: z.number().int().min(1).max(5000) }),
  'presets:list': Empty,
  'config:validate': z.strictObject({ config: z.unknown() }),
  'export:run': z.strictObject({
    id: RunId,
    format: z.enum(['hf', 'safetensors', 'csv', 'json', 'bundle']),
    /** A folder (hf, safetensors, csv, json) or a file (bundle) that must not exist yet, unless force. */
    out: z.string().min(1).max(4096),
    checkpoint: z.union([z.enum(['latest', 'best']), z.number().int().nonnegative()]).optional(),
    force: z.boolean().optional(),
  }),
  'system:info': Empty,
} as const;

/** What each channel answers. */
export interface Responses {
  'runs:list': RunSummary[];
  'runs:get': RunDetail;
  'runs:create': RunSummary;
  'runs:start': { status: RunStatus };
  'runs:stop': { status: RunStatus };
  'runs:resume': { status: RunStatus; fromStep: number };
  'runs:update': RunSummary;
  'runs:delete': { deleted: boolean };
  'runs:compare': CompareResult;
  'metrics:series': SeriesResult[];
  'metrics:keys': string[];
  'metrics:masks': MaskRow[];
  'presets:list': Preset[];
  'config:validate': ConfigCheck;
  'export:run': ExportResult;
  'system:info': SystemInfo;
}

export type Channel = keyof typeof CHANNELS;
export type ChannelRequest<C extends Channel> = z.input<(typeof CHANNELS)[C]>;
export type ParsedRequest<C extends Channel> = z.output<(typeof CHANNELS)[C]>;
export type ChannelResponse<C extends Channel> = Responses[C];

export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(CHANNELS, name);
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
}

export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = [
  'run:status',
  'run:metrics',
  'run:eval',
  'run:stage',
  'run:log',
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
