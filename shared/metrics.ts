// Metric names shared by the trainer, the store and the UI.
import type { RunConfig } from './config/schema.js';

/** Every key primaryEvalKey can answer, so a view can fetch curves before it knows which one applies. */
export const HELD_OUT_LOSS_KEYS = ['eval/mlm_loss', 'eval/loss'] as const;

/** The held-out loss a run is judged by: MSE on fresh samples (polynomial) or masked-token loss (mlm). */
export function primaryEvalKey(config: Pick<RunConfig, 'task'>): (typeof HELD_OUT_LOSS_KEYS)[number] {
  return config.task.kind === 'mlm' ? 'eval/mlm_loss' : 'eval/loss';
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
