// The desktop app's GPU route: the engine trains in a hidden renderer on Chromium's WebGPU, and the
// trainer's utility process keeps what needs Node (data, checkpoint files, the link to main). These are
// the messages between the two, over one MessagePort: tagged unions, validated by whichever side
// receives them. The renderer asks (data, the checkpoint to resume from, writes, GPU samples) and reports
// (every trainer message, relayed to main unchanged); the utility process answers and controls.
import { z } from 'zod';
import { MlmDataShapeSchema, WireDatasetSchema } from './wire-dataset.js';
import { CheckpointContentsSchema, NamedArraySchema } from './wire-checkpoint.js';
import { WrittenCheckpointSchema } from '../../checkpoints/state.js';
import { EvalResultSchema } from '../../../shared/trainer-protocol.js';

// ---------------------------------------------------------------- renderer -> utility process

/** What navigator.gpu offered the renderer, before any run: the utility process decides from it. */
export const AdapterReportSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    vendor: z.string(),
    architecture: z.string(),
    description: z.string(),
    /** A CPU rasterizer (SwiftShader, lavapipe, WARP) or an adapter Chromium marks as a fallback. */
    software: z.boolean(),
  }),
  z.strictObject({
    ok: z.literal(false),
    /** no-webgpu: navigator.gpu is missing; no-adapter: requestAdapter gave none; failed: it threw. */
    code: z.enum(['no-webgpu', 'no-adapter', 'failed']),
    detail: z.string(),
  }),
]);

export const EngineRequestSchema = z.discriminatedUnion('kind', [
  /** An MLM run's data (tokenized splits, unigram baseline, probes), prepared by the utility process. */
  z.strictObject({ kind: z.literal('mlm-data'), task: z.unknown(), shape: MlmDataShapeSchema }),
  /** The checkpoint the run resumes from (read and verified by the utility process), or null. */
  z.strictObject({ kind: z.literal('resume') }),
  z.strictObject({ kind: z.literal('write-checkpoint'), contents: CheckpointContentsSchema }),
  z.strictObject({
    kind: z.literal('write-final-weights'),
    weights: z.array(NamedArraySchema),
    config: z.record(z.string(), z.unknown()),
    step: z.number().int().min(0),
  }),
  /** GPU utilisation and memory as nvidia-smi sees the adapter, or null where it cannot tell. */
  z.strictObject({ kind: z.literal('gpu-sample') }),
]);

export const RendererMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), adapter: AdapterReportSchema }),
  /** A trainer message (shared/trainer-protocol.ts), validated against that schema before it is relayed. */
  z.strictObject({ type: z.literal('trainer'), message: z.unknown() }),
  z.strictObject({ type: z.literal('request'), id: z.number().int(), request: EngineRequestSchema }),
  /** The engine has returned (ok) or failed (its error was the last trainer message). */
  z.strictObject({ type: z.literal('finished'), ok: z.boolean() }),
]);

// ---------------------------------------------------------------- utility process -> renderer

/** The answer to each request kind, checked by the renderer before the engine uses it. */
export const ReplyValueSchemas = {
  'mlm-data': WireDatasetSchema,
  resume: CheckpointContentsSchema.nullable(),
  'write-checkpoint': WrittenCheckpointSchema,
  'write-final-weights': z.null(),
  'gpu-sample': z.array(EvalResultSchema).nullable(),
} as const;

export const HostToRendererSchema = z.discriminatedUnion('type', [
  /** Train this config (validated again by the engine); telemetry every telemetryMs (0: off). */
  z.strictObject({
    type: z.literal('start'),
    config: z.unknown(),
    telemetryMs: z.number().int().min(0),
    /** False when the run keeps no files (no run folder): no checkpoints, no final weights. */
    keepsFiles: z.boolean(),
    /** The utility process's platform (process.platform), for what the engine tells the user. */
    platform: z.string(),
  }),
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('checkpoint-now') }),
  /** The answer to request `id`: its value (checked by ReplyValueSchemas), or why it failed. */
  z.strictObject({
    type: z.literal('reply'),
    id: z.number().int(),
    outcome: z.discriminatedUnion('ok', [
      z.strictObject({ ok: z.literal(true), value: z.unknown() }),
      z.strictObject({ ok: z.literal(false), error: z.string() }),
    ]),
  }),
]);

export type AdapterReport = z.output<typeof AdapterReportSchema>;
export type EngineRequest = z.output<typeof EngineRequestSchema>;
export type EngineRequestKind = EngineRequest['kind'];
export type RendererMessage = z.output<typeof RendererMessageSchema>;
export type HostToRenderer = z.output<typeof HostToRendererSchema>;
export type ReplyValue<K extends EngineRequestKind> = z.output<(typeof ReplyValueSchemas)[K]>;
