// What the ingestor accepts: the trainer protocol, except that metric values may be NaN, +-Infinity or null
// (JSON turns NaN into null). A diverged loss is a fact worth recording, not a reason to drop the step.
import { z } from 'zod';
import {
  EvalResultSchema,
  StageForecastSchema,
  StepMetricsSchema,
  TrainerMessageSchema,
  type TrainerMessage,
} from '../../../shared/trainer-protocol.js';
import { parseInput } from '../errors.js';

/** Any number, NaN and +-Infinity included; null stands for NaN. */
const metricValue = z.custom<number | null>((value) => typeof value === 'number' || value === null, {
  error: 'must be a number (or null for NaN)',
});
const xValue = z.number({ error: 'must be a finite number' }).nonnegative('must be >= 0');

export const StepIngestSchema = StepMetricsSchema.extend({
  type: z.literal('step'),
  step: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  mask: z.string().regex(/^[01-]{0,4096}$/, 'must be a string of "0", "1" and "-"'),
  lr: metricValue,
  loss: metricValue,
  scale: metricValue,
  stepFlops: metricValue,
  stepMs: metricValue,
  examplesPerSec: metricValue,
  cumFlops: xValue,
  cumFullFlops: xValue,
  tokens: xValue,
  wallMs: xValue,
});

export const EvalIngestSchema = z.strictObject({
  type: z.literal('eval'),
  step: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  stage: z.number().int(),
  reason: z.enum(['periodic', 'stage-end', 'final']),
  results: z.array(EvalResultSchema.extend({ name: z.string().min(1).max(200), value: metricValue })),
});

export const CheckpointIngestSchema = z.strictObject({
  type: z.literal('checkpoint'),
  step: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  path: z.string().min(1, 'must not be empty'),
  bytes: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits')
    .transform((hash) => hash.toLowerCase()),
  /** The trainer knows which eval is the run's primary loss (eval/loss, eval/mlm_loss, ...). */
  evalLoss: z.number().nullable().optional(),
});

/**
 * Declared here as well as in the protocol, so the store accepts it whichever side lands first; the loss
 * values may be NaN like any metric.
 */
export const TransitionIngestSchema = z.strictObject({
  type: z.literal('transition'),
  /** The first step of the new stage. */
  step: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  fromStage: z.number().int(),
  toStage: z.number().int(),
  window: z.number().int().nonnegative(),
  lossBefore: metricValue,
  lossAfter: metricValue,
  lastBefore: metricValue,
  firstAfter: metricValue,
  /** The stability monitor's forecast for the change (absent from records made before it existed). */
  forecast: StageForecastSchema.extend({
    stageLoss: metricValue,
    nextLoss: metricValue,
    gap: metricValue,
  })
    .nullable()
    .optional(),
});

export type StepIngest = z.output<typeof StepIngestSchema>;
export type EvalIngest = z.output<typeof EvalIngestSchema>;
export type CheckpointIngest = z.output<typeof CheckpointIngestSchema>;
export type TransitionIngest = z.output<typeof TransitionIngestSchema>;
export type IngestMessage =
  | StepIngest
  | EvalIngest
  | CheckpointIngest
  | TransitionIngest
  | Exclude<TrainerMessage, { type: 'step' | 'eval' | 'checkpoint' | 'transition' }>;

/** Validates one trainer message; the error names the field ("invalid step message: step message.loss: ..."). */
export function parseIngestMessage(input: unknown): IngestMessage {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  if (type === 'step') return parseInput(StepIngestSchema, input, 'step message');
  if (type === 'eval') return parseInput(EvalIngestSchema, input, 'eval message');
  if (type === 'checkpoint') return parseInput(CheckpointIngestSchema, input, 'checkpoint message');
  if (type === 'transition') return parseInput(TransitionIngestSchema, input, 'transition message');
  return parseInput(TrainerMessageSchema, input, 'trainer message') as IngestMessage;
}
