// Metric names shared by the trainer, the store and the UI.
import type { RunConfig } from './config/schema.js';

/** The held-out loss a run is judged by: MSE on fresh samples (polynomial) or masked-token loss (mlm). */
export function primaryEvalKey(config: Pick<RunConfig, 'task'>): string {
  return config.task.kind === 'mlm' ? 'eval/mlm_loss' : 'eval/loss';
}

/** A readable label for a metric key: "eval/era_probe_acc" -> "era probe acc", "eval/mlm_loss" -> "MLM loss". */
export function metricLabel(key: string): string {
  return key
    .replace(/^(train|eval|perf)\//, '')
    .replace(/_/g, ' ')
    .replace(/\bmlm\b/g, 'MLM');
}
