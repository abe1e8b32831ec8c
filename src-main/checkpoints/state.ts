// What a checkpoint's state.json holds (the folder's layout is in format.ts). No Node imports: the GPU
// renderer's engine validates the checkpoint it resumes from with the same schema (trainer/gpu-route/).
import { z } from 'zod';

export const CHECKPOINT_FORMAT = 1;

const RngStateSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const CheckpointStateSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  /** Optimizer steps completed: training resumes at this step index. */
  step: z.number().int().min(0),
  config: z.record(z.string(), z.unknown()),
  rng: z.object({ masks: RngStateSchema, task: z.record(z.string(), RngStateSchema) }),
  optimizerSteps: z.record(z.string(), z.number().int().min(0)),
  counters: z.object({
    cumFlops: z.number(),
    cumFullFlops: z.number(),
    tokens: z.number(),
    wallMs: z.number(),
  }),
  /** The loss window the transition records need, so records across a resume match an uninterrupted run. */
  transitions: z.unknown(),
  /** The stage schedule as it stood (adaptive runs move stage ends); absent from older checkpoints. */
  schedule: z.unknown().optional(),
  /** The run's primary eval loss measured at this step, when an evaluation ran here. */
  evalLoss: z.number().nullable(),
  files: z.record(z.string(), z.object({ bytes: z.number().int(), sha256: z.string().length(64) })),
  appVersion: z.string(),
  createdAt: z.string(),
});

/** The state the engine provides: the rest (format, file list, version, time) is added when written. */
export const CheckpointDraftSchema = CheckpointStateSchema.omit({
  format: true,
  files: true,
  appVersion: true,
  createdAt: true,
});

export type CheckpointState = z.output<typeof CheckpointStateSchema>;
export type CheckpointStateDraft = Omit<CheckpointState, 'files' | 'format' | 'createdAt'>;

export const WrittenCheckpointSchema = z.strictObject({
  path: z.string(),
  /** All files together. */
  bytes: z.number().int().min(0),
  /** sha256 of state.json, which itself lists the sha256 of every other file. */
  sha256: z.string(),
});

export type WrittenCheckpoint = z.output<typeof WrittenCheckpointSchema>;
