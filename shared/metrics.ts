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
