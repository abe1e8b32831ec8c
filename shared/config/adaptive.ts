// Adaptive stage lengths (experimental; policy.schedule.lengths "adaptive"): the settings with their
// defaults resolved against the run's steps, and the cross-field rules a config must meet to use them.
import { stabilitySettings } from '../stability.js';
import { AdaptiveLengthsSchema, type RaptrPolicy, type RunConfig } from './schema.js';
import type { ConfigIssue } from './validate.js';

export interface ResolvedAdaptiveLengths {
  epsilon: number;
  delta: number;
  window: number;
  minSteps: number;
  maxSteps: number;
}

/** Steps left for the stages after the warm start. */
const stageSteps = (policy: RaptrPolicy, totalSteps: number) => totalSteps - policy.schedule.initialFullSteps;

/**
 * The settings of policy.schedule.adaptive with every default filled in. `stageCount` is the number of
 * stages after the warm start; a stage's equal share is their steps / stageCount, the default minimum half
 * of it and the default maximum twice it.
 */
export function resolveAdaptiveLengths(
  policy: RaptrPolicy,
  totalSteps: number,
  stageCount: number,
): ResolvedAdaptiveLengths {
  const settings = AdaptiveLengthsSchema.parse(policy.schedule.adaptive ?? {});
  const share = stageSteps(policy, totalSteps) / Math.max(1, stageCount);
  return {
    epsilon: settings.epsilon,
    delta: settings.delta,
    window: settings.window,
    minSteps: settings.minSteps ?? Math.max(1, Math.round(share / 2)),
    maxSteps: settings.maxSteps ?? Math.max(1, Math.round(2 * share)),
  };
}

/** What stops a config from using adaptive lengths, each naming the field to change. */
export function adaptiveIssues(config: RunConfig, stageCount: number): ConfigIssue[] {
  const { policy, training } = config;
  if (policy.kind !== 'raptr') return [];
  const issues: ConfigIssue[] = [];
  const base = 'policy.schedule';
  if (policy.schedule.lengths !== 'adaptive') {
    if (policy.schedule.adaptive !== undefined)
      issues.push({ path: `${base}.adaptive`, message: 'only used with lengths "adaptive"' });
    return issues;
  }
  if (policy.schedule.stages?.some((s) => s.steps !== undefined || s.fraction !== undefined))
    issues.push({
      path: `${base}.stages`,
      message: 'adaptive lengths decide how long each stage runs: give no steps or fraction',
    });
  if (training.evalEvery === 0)
    issues.push({
      path: 'training.evalEvery',
      message: 'adaptive stage lengths decide at evaluations: set evalEvery above 0',
    });
  if (!stabilitySettings(config).enabled)
    issues.push({
      path: 'training.stability.enabled',
      message: "adaptive stage lengths need the stability monitor's forecast: turn it on",
    });
  const { minSteps, maxSteps } = resolveAdaptiveLengths(policy, training.steps, stageCount);
  if (minSteps > maxSteps)
    issues.push({
      path: `${base}.adaptive.minSteps`,
      message: `${minSteps} is above maxSteps (${maxSteps})`,
    });
  const available = stageSteps(policy, training.steps);
  if (minSteps * stageCount > available)
    issues.push({
      path: `${base}.adaptive.minSteps`,
      message: `${stageCount} stages of at least ${minSteps} steps do not fit in ${available} steps`,
    });
  return issues;
}
