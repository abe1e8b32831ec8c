// The one contract between the renderer and main, for both transports: Electron IPC (preload +
// ipcMain.handle) and `raptr serve` (POST /api/<channel> + a WebSocket for events). Each channel is
// defined once: its request schema (validated by main and by the server) and its response type. Each
// channel takes one object and answers { ok: true, value } or { ok: false, error }.
import { z } from 'zod';
import type {
  BulkOutcome,
  ColumnChoices,
  CompareResult,
  ConfigCheck,
  ExportDownload,
  ExportResult,
  LogEntry,
  MaskRow,
  Preset,
  RunDetail,
  RunStatus,
  RunSummary,
  SeriesResult,
  SystemInfo,
} from './api-types.js';
import { RUN_STATUSES, X_AXES } from './api-types.js';
import { BACKEND_REQUESTS } from './config/schema.js';
import type { Channel } from './ipc-api.js';

const RunId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a run id');
const Tag = z.string().trim().min(1).max(64);
const ColumnIdSchema = z
  .string()
  .max(300)
  .regex(/^(config|final|best):.+$/, 'must be config:<field path>, final:<metric> or best:<metric>');
const Empty = z.strictObject({});
/** One chart query: keys of one run, bucketed (min/max/mean) over an x-range. */
const SeriesQuery = z.strictObject({
  runId: RunId,
  keys: z.array(z.string().min(1).max(200)).min(1).max(64),
  xAxis: z.enum(X_AXES),
  range: z
    .tuple([z.number().finite(), z.number().finite()])
    .refine(([a, b]) => a <= b, 'range must be [x0, x1] with x0 <= x1')
    .optional(),
  buckets: z.number().int().min(1).max(20_000),
});

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
    /** Extra columns for each run: config fields and final or best metric values. */
    columns: z.array(ColumnIdSchema).max(40).optional(),
  }),
  /** What the runs table's column chooser offers. */
  'runs:columns': Empty,
  /** A run's trainer log lines (info, warnings, errors), oldest first; afterId pages on. */
  'runs:logs': z.strictObject({
    id: RunId,
    afterId: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  }),
  /** One action on many runs; each run's outcome is reported, a refusal for one does not stop the rest. */
  'runs:bulk': z.strictObject({
    ids: z.array(RunId).min(1).max(1000),
    action: z.enum(['tag', 'untag', 'archive', 'unarchive', 'delete']),
    /** For tag and untag. */
    tag: Tag.optional(),
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
  /**
   * Continue a stopped, interrupted or failed run from its latest checkpoint, or from the checkpoint at
   * `fromStep`: what the run recorded after that step, and its later checkpoints, are dropped. On `backend`
   * when given (a run whose GPU failed goes on on the CPU); its recorded config keeps the one it asked for.
   */
  'runs:resume': z.strictObject({
    id: RunId,
    priority: z.number().int().min(-100).max(100).optional(),
    fromStep: z.number().int().nonnegative().optional(),
    backend: z.enum(BACKEND_REQUESTS).optional(),
  }),
  'runs:update': z.strictObject({
    id: RunId,
    name: z.string().trim().min(1).max(200).optional(),
    tags: z.array(Tag).max(100).optional(),
    notes: z.string().max(100_000).optional(),
    archived: z.boolean().optional(),
  }),
  /**
   * Deletes a run. A run training in this process is stopped first; one training in another process is
   * refused unless `stop`, which asks that process to stop it and deletes it once it has.
   */
  'runs:delete': z.strictObject({ id: RunId, stop: z.boolean().optional() }),
  'runs:compare': z.strictObject({
    ids: z.array(RunId).min(1).max(32),
    atLoss: z.number().finite().optional(),
    key: z.string().min(1).max(200).optional(),
  }),
  'metrics:series': SeriesQuery,
  /**
   * Several series queries in one request (the compare view: every run's curves at once). One round trip
   * instead of one per run is what keeps a 20-run zoom re-bucket fast.
   */
  'metrics:batch': z.strictObject({
    queries: z.array(SeriesQuery).min(1).max(64),
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
    /**
     * A folder (hf, safetensors, csv) or a file (json, bundle, or csv ending in .csv), a path inside the
     * data folder's exports/ (relative to it, or absolute within it). It must not exist yet, unless force,
     * which replaces an earlier export only.
     */
    out: z.string().min(1).max(4096),
    checkpoint: z.union([z.enum(['latest', 'best']), z.number().int().nonnegative()]).optional(),
    force: z.boolean().optional(),
  }),
  /**
   * An export for the browser to download: written under <data folder>/exports/downloads/ (folder formats
   * zipped) and fetched with GET /api/downloads/<file> from `raptr serve`.
   */
  'export:download': z.strictObject({
    id: RunId,
    format: z.enum(['hf', 'safetensors', 'csv', 'json', 'bundle']),
    checkpoint: z.union([z.enum(['latest', 'best']), z.number().int().nonnegative()]).optional(),
  }),
  'system:info': Empty,
} as const satisfies Record<Channel, z.ZodType>;

/** What each channel answers. */
export interface Responses extends Record<Channel, unknown> {
  'runs:list': RunSummary[];
  'runs:columns': ColumnChoices;
  'runs:logs': LogEntry[];
  'runs:bulk': BulkOutcome[];
  'runs:get': RunDetail;
  'runs:create': RunSummary;
  'runs:start': { status: RunStatus };
  'runs:stop': { status: RunStatus };
  'runs:resume': { status: RunStatus; fromStep: number };
  'runs:update': RunSummary;
  'runs:delete': { deleted: boolean };
  'runs:compare': CompareResult;
  'metrics:series': SeriesResult[];
  /** One answer per query, in order. */
  'metrics:batch': SeriesResult[][];
  'metrics:keys': string[];
  'metrics:masks': MaskRow[];
  'presets:list': Preset[];
  'config:validate': ConfigCheck;
  'export:run': ExportResult;
  'export:download': ExportDownload;
  'system:info': SystemInfo;
}

export type ChannelRequest<C extends Channel> = z.input<(typeof CHANNELS)[C]>;
export type ParsedRequest<C extends Channel> = z.output<(typeof CHANNELS)[C]>;
export type ChannelResponse<C extends Channel> = Responses[C];

export * from './ipc-api.js';
