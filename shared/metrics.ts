// Metric names shared by the trainer, the store and the UI, and what the masking-dependent ones mean.
import { recordedEvalMasking } from './config/recorded.js';
import type { MlmTask, RunConfig } from './config/schema.js';

/** Every key primaryEvalKey can answer, so a view can fetch curves before it knows which one applies. */
export const HELD_OUT_LOSS_KEYS = ['eval/mlm_loss', 'eval/loss'] as const;

/** The held-out loss a run is judged by: MSE on fresh samples (polynomial) or masked-token loss (mlm). */
export function primaryEvalKey(config: Pick<RunConfig, 'task'>): (typeof HELD_OUT_LOSS_KEYS)[number] {
  return config.task.kind === 'mlm' ? 'eval/mlm_loss' : 'eval/loss';
}

export type EvalMasking = MlmTask['evalMasking'];

/** The held-out MLM series and baselines (see src-main/trainer/eval/mlm-held-out.ts). */
export const MLM_KEYS = {
  loss: 'eval/mlm_loss',
  acc: 'eval/mlm_acc',
  /** Every-target runs only: the loss on the same targets as the training rule leaves them. */
  lossTrainMasking: 'eval/mlm_loss_train_masking',
  unigramLoss: 'eval/mlm_unigram_loss',
  /** Every-target runs only: the accuracy of always guessing the most frequent training token. */
  mostFrequentAcc: 'eval/mlm_most_frequent_acc',
  /** Every-target runs only: the share of targets given the model's single most common prediction. */
  topTokenShare: 'eval/mlm_top_token_share',
} as const;

/** Keys whose meaning depends on the run's task.evalMasking. */
const MASKING_DEPENDENT: readonly string[] = [MLM_KEYS.loss, MLM_KEYS.acc];

export const EVAL_MASKING_LABELS: Record<EvalMasking, string> = {
  'every-target': '[MASK] at every target',
  'training-rule': 'training masking (80% [MASK], 10% random, 10% unchanged)',
};

/** Short forms for table cells, chart titles and legends. */
export const EVAL_MASKING_SHORT: Record<EvalMasking, string> = {
  'every-target': '[MASK] at every target',
  'training-rule': 'training masking',
};

/**
 * How an MLM run hid its held-out targets; null for other tasks. A config stored without the field was
 * recorded before it existed and measured with the training rule (migration 5 and bundle import write it
 * out; reading it this way too keeps a config from anywhere else honest).
 */
export function evalMaskingOf(config: unknown): EvalMasking | null {
  const task = (config as { task?: { kind?: unknown; evalMasking?: unknown } } | null)?.task;
  if (task?.kind !== 'mlm') return null;
  const masking = task.evalMasking;
  return masking === 'every-target' || masking === 'training-rule' ? masking : recordedEvalMasking(true);
}

/** The masking `key` was measured with in this run, when its meaning depends on it; else null. */
export function keyMasking(config: unknown, key: string): EvalMasking | null {
  return MASKING_DEPENDENT.includes(key) ? evalMaskingOf(config) : null;
}

/**
 * The series holding `key`'s quantity in this run. The training-rule loss is eval/mlm_loss_train_masking in
 * an every-target run and eval/mlm_loss in a training-rule one, so asking for it compares old and new
 * runs on one definition; every other key is itself.
 */
export function seriesKeyFor(config: unknown, key: string): string {
  return key === MLM_KEYS.lossTrainMasking && evalMaskingOf(config) === 'training-rule' ? MLM_KEYS.loss : key;
}

/** Every series seriesKeyFor can answer for `key`, so a view can fetch curves before it knows the runs. */
export function seriesKeysOf(key: string): string[] {
  return key === MLM_KEYS.lossTrainMasking ? [key, MLM_KEYS.loss] : [key];
}

/** A readable label for a metric key: "eval/era_probe_acc" -> "era probe acc", "eval/mlm_loss" -> "MLM loss". */
export function metricLabel(key: string): string {
  return key
    .replace(/^(train|eval|perf)\//, '')
    .replace(/_/g, ' ')
    .replace(/\bmlm\b/g, 'MLM');
}

/** Whether a larger value of this metric is the better one (accuracies, throughput); losses and errors are
 * better small. Decides what "best" means in the runs table. */
export function higherIsBetter(key: string): boolean {
  return /(acc|accuracy|_bow|baseline|examples_per_s|tokens_per_s)$/.test(key);
}
/**
 * Device telemetry a trainer samples every few seconds while it trains (cpu: the trainer process, 100 =
 * one core busy; gpu: nvidia-smi where it exists, else what the WebGPU backend reports, memory only).
 */
export const SYSTEM_METRICS = {
  cpuPercent: 'system/cpu_percent',
  rssMb: 'system/rss_mb',
  gpuUtilPercent: 'system/gpu_util_percent',
  gpuMemMb: 'system/gpu_mem_mb',
} as const;
