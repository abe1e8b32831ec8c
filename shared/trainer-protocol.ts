// Messages between a host (Electron main, the CLI, the server) and one trainer process.
// Tagged unions, defined once as zod schemas: the receiving side validates, the types are inferred.
import { z } from 'zod';
import { boundErrorText } from './error-text.js';

// ---------------------------------------------------------------- host -> trainer

export const StartRequestSchema = z.strictObject({
  type: z.literal('start'),
  /** The raw config; the trainer validates it again (it is a process boundary). */
  config: z.unknown(),
  /** Folder for checkpoints and the final weights; null: keep nothing on disk. */
  outDir: z.string().nullable().default(null),
  /**
   * Continue from a checkpoint folder; sha256 (of its state.json, from the database) guards against
   * tampering. When it does not verify, the fallbacks (older checkpoints, newest first) are tried in turn.
   */
  resume: z
    .strictObject({
      path: z.string().min(1),
      sha256: z.string().nullable(),
      fallbacks: z
        .array(z.strictObject({ path: z.string().min(1), sha256: z.string().nullable() }))
        .default([]),
    })
    .nullable()
    .default(null),
  /**
   * CPU threads the host gives this run (its share of the cores, when CPU runs train side by side); null:
   * the trainer uses the machine's physical cores. A config's training.threads overrides both.
   */
  threads: z.number().int().positive().nullable().default(null),
});

export const HostMessageSchema = z.discriminatedUnion('type', [
  StartRequestSchema,
  /** Finish the current step, write a checkpoint when an outDir is set, then exit. */
  z.strictObject({ type: z.literal('stop') }),
  /** Write a checkpoint after the current step and continue. */
  z.strictObject({ type: z.literal('checkpoint-now') }),
  /** Try every backend, answer with a probe message, and exit (system:info). */
  z.strictObject({ type: z.literal('probe') }),
  /**
   * The desktop app's answer to open-gpu-renderer: the hidden GPU renderer is loading, and the message
   * carries one end of a MessagePort to it (Electron puts it in the event's ports, not in the data).
   */
  z.strictObject({ type: z.literal('gpu-renderer') }),
  /** The GPU renderer is gone (crashed, killed, failed to load) or cannot be opened here; why, in words. */
  z.strictObject({ type: z.literal('gpu-renderer-gone'), reason: z.string() }),
  /** The run's share of the cores changed: use this many CPU threads from the next step (results do not change). */
  z.strictObject({ type: z.literal('threads'), threads: z.number().int().positive() }),
]);

/**
 * What a trainer asks of its host beyond the run's record (they are not trainer messages: the run manager
 * never sees them). Only the desktop app answers; a trainer asks only inside Electron, where Dawn cannot run.
 */
export const HostRequestSchema = z.discriminatedUnion('type', [
  /** Open a hidden GPU renderer for this trainer (Chromium's WebGPU) and send a port to it. */
  z.strictObject({ type: z.literal('open-gpu-renderer') }),
  /** Close it again (the run does not use it, or is over). */
  z.strictObject({ type: z.literal('close-gpu-renderer') }),
]);

export const BackendNameSchema = z.enum(['tensorflow', 'webgpu', 'wasm', 'cpu']);

export const BackendProbeSchema = z.strictObject({
  name: BackendNameSchema,
  available: z.boolean(),
  /** The device it would use, or why it is not available. */
  detail: z.string(),
});

// ---------------------------------------------------------------- trainer -> host

/** The WebGPU adapter a run trained on, as its driver describes it. */
export const AdapterInfoSchema = z.strictObject({
  vendor: z.string(),
  architecture: z.string(),
  description: z.string(),
});

/** Texts a trainer reports (errors, logs) are cut to a bounded length as they arrive (shared/error-text.ts). */
const BoundedText = z.string().transform((text) => boundErrorText(text));

export const BackendInfoSchema = z.strictObject({
  /** The TensorFlow.js backend in use. */
  name: BackendNameSchema,
  /** What the user sees: a GPU name, "CPU (wasm, SIMD)", ... */
  device: z.string(),
  /** True when a real GPU does the work (a software WebGPU adapter is not one). */
  gpu: z.boolean(),
  /**
   * Why no GPU (or no faster backend) was used, naming what to install: a missing CUDA library, a
   * missing Vulkan driver, a software-only adapter, ...
   */
  hint: z.string().nullable(),
  /** The WebGPU adapter (webgpu backend only). */
  adapter: AdapterInfoSchema.nullable().default(null),
});

export const StagePlanSchema = z.strictObject({
  index: z.number().int(),
  /** "warm start (full)", "stage 2 of 4", ... */
  label: z.string(),
  startStep: z.number().int(),
  /** Exclusive. */
  endStep: z.number().int(),
  /** Inclusion probability of a free block (raptr); depth for stacking is in `depth`. */
  p: z.number(),
  expectedActive: z.number(),
  fixed: z.array(z.number().int()),
  /** Blocks in the model during this stage (only stacking grows it). */
  depth: z.number().int(),
});

export const StepMetricsSchema = z.strictObject({
  step: z.number().int(),
  stage: z.number().int(),
  lr: z.number(),
  loss: z.number(),
  /** One character per block, block 0 first: "1" active, "0" bypassed, "-" not yet grown (stacking). */
  mask: z.string(),
  active: z.number().int(),
  /** The residual-branch factor a used this step (1 for full training). */
  scale: z.number(),
  stepFlops: z.number(),
  cumFlops: z.number(),
  /** What full training would have spent by this step, for the FLOPs-saved readout. */
  cumFullFlops: z.number(),
  /** Tokens (or examples, for the polynomial task) seen so far. */
  tokens: z.number(),
  stepMs: z.number(),
  examplesPerSec: z.number(),
  /** Milliseconds since the run started training (excludes set-up). */
  wallMs: z.number(),
});

/**
 * The stability monitor's forecast at the last evaluation of a stage (shared/stability.ts): the expected
 * held-out loss under this stage's masks and under the next stage's, and their difference.
 */
export const StageForecastSchema = z.strictObject({
  /** The evaluation's step (0-based, the step just completed). */
  step: z.number().int(),
  stageLoss: z.number(),
  nextLoss: z.number(),
  /** nextLoss - stageLoss: the jump the change is forecast to bring. */
  gap: z.number(),
});

export const EvalResultSchema = z.strictObject({
  /** TensorBoard-style tag, e.g. "eval/loss" or "eval/poly/err_deg3". */
  name: z.string(),
  value: z.number(),
});

export const TrainerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  z.strictObject({ type: z.literal('probe'), backends: z.array(BackendProbeSchema) }),
  z.strictObject({
    type: z.literal('start'),
    backend: BackendInfoSchema,
    /** The validated config, defaults filled in. */
    config: z.unknown(),
    stages: z.array(StagePlanSchema),
    parameterCount: z.number().int(),
    /** baseline FLOPs / expected method FLOPs, embedding and head included. */
    expectedRelativeFlops: z.number(),
    resumedFromStep: z.number().int().nullable(),
    /** Facts about the data to keep with the run: corpus fingerprint, vocabulary size, ... */
    facts: z.record(z.string(), z.union([z.string(), z.number()])),
  }),
  z.strictObject({ type: z.literal('step'), ...StepMetricsSchema.shape }),
  /** The backend changed during the run (its CPU threads, when the host resized its share of the cores). */
  z.strictObject({ type: z.literal('backend'), step: z.number().int(), backend: BackendInfoSchema }),
  z.strictObject({
    type: z.literal('stage'),
    /** The stage's first step; or, when an adaptive schedule moved the end of the current stage, the step of the evaluation that did. */
    step: z.number().int(),
    stage: StagePlanSchema,
    /** The whole schedule as it stands now: the stages so far as they happened, the rest as planned. */
    plan: z.array(StagePlanSchema).optional(),
  }),
  z.strictObject({
    type: z.literal('eval'),
    step: z.number().int(),
    stage: z.number().int(),
    /** Why the eval ran: periodic, at a stage end, or at the end of the run. */
    reason: z.enum(['periodic', 'stage-end', 'final']),
    results: z.array(EvalResultSchema),
  }),
  z.strictObject({
    type: z.literal('transition'),
    /** The first step of the new stage. */
    step: z.number().int(),
    fromStage: z.number().int(),
    toStage: z.number().int(),
    /** Steps averaged on each side (fewer when a stage or the run was shorter). */
    window: z.number().int(),
    /** Mean train loss over the last `window` steps of the old stage, and the first of the new one. */
    lossBefore: z.number(),
    lossAfter: z.number(),
    /** The train loss of the last step before and of the first step after the boundary. */
    lastBefore: z.number(),
    firstAfter: z.number(),
    /** The stability monitor's forecast at the old stage's last evaluation; null when none was made. */
    forecast: StageForecastSchema.nullable().default(null),
  }),
  z.strictObject({
    type: z.literal('checkpoint'),
    /** Optimizer steps completed when it was written (training resumes at this step). */
    step: z.number().int(),
    path: z.string(),
    bytes: z.number().int(),
    /** sha256 of the checkpoint's state.json, which lists the sha256 of every other file. */
    sha256: z.string(),
    /** The primary eval loss measured at this step, when an evaluation ran here. */
    evalLoss: z.number().nullable(),
  }),
  z.strictObject({
    type: z.literal('system'),
    /** The last step completed when the sample was taken. */
    step: z.number().int(),
    /** system/cpu_percent, system/rss_mb, system/gpu_util_percent, system/gpu_mem_mb (those measured). */
    metrics: z.array(EvalResultSchema),
  }),
  z.strictObject({ type: z.literal('log'), level: z.enum(['info', 'warn']), message: BoundedText }),
  z.strictObject({ type: z.literal('error'), message: BoundedText, stack: BoundedText.nullable() }),
  z.strictObject({
    type: z.literal('done'),
    status: z.enum(['completed', 'stopped']),
    step: z.number().int(),
    cumFlops: z.number(),
    cumFullFlops: z.number(),
    wallMs: z.number(),
  }),
]);

export type StartRequest = z.output<typeof StartRequestSchema>;
export type HostRequest = z.output<typeof HostRequestSchema>;
export type HostMessage = z.input<typeof HostMessageSchema>;
export type BackendInfo = z.output<typeof BackendInfoSchema>;
export type AdapterInfo = z.output<typeof AdapterInfoSchema>;
export type BackendProbe = z.output<typeof BackendProbeSchema>;
export type StagePlan = z.output<typeof StagePlanSchema>;
export type StepMetrics = z.output<typeof StepMetricsSchema>;
export type EvalResult = z.output<typeof EvalResultSchema>;
export type StageForecast = z.output<typeof StageForecastSchema>;
export type TransitionRecord = Extract<z.output<typeof TrainerMessageSchema>, { type: 'transition' }>;
export type TrainerMessage = z.output<typeof TrainerMessageSchema>;
export type TrainerMessageType = TrainerMessage['type'];

/** How a backend change reads in a run's log, the CLI and the app: "from step 501: CPU (..., 2 threads) · ...". */
export function backendChangeText(message: Extract<TrainerMessage, { type: 'backend' }>): string {
  return `from step ${message.step + 1}: ${message.backend.device}`;
}

/** Ends a switch over a tagged union: the compiler proves every case was handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
