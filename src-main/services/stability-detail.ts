// What a run's events say about its schedule and stability: the plan the trainer last sent (adaptive runs
// move stage ends while they train) and the stability monitor's last evaluation, for the run page and
// `raptr show`.
import type { StabilityRow } from '../../shared/api-types.js';
import { blockOfDropKey, STABILITY_KEYS } from '../../shared/stability.js';
import { StagePlanSchema, type StagePlan } from '../../shared/trainer-protocol.js';
import type { RunEvent } from '../store/index.js';
import { z } from 'zod';

const PlanPayloadSchema = z.object({ plan: z.array(StagePlanSchema).min(1) });

/** The schedule the last stage event carried (runs recorded before stage events had one: null). */
export function latestPlan(stageEvents: readonly RunEvent[]): StagePlan[] | null {
  for (let i = stageEvents.length - 1; i >= 0; i--) {
    const parsed = PlanPayloadSchema.safeParse(stageEvents[i]!.payload);
    if (parsed.success) return parsed.data.plan;
  }
  return null;
}

interface EvalPayload {
  results?: Array<{ name: string; value: number | null }>;
}

/** The last evaluation that carried the stability monitor's results. */
export function latestStability(evalEvents: readonly RunEvent[]): StabilityRow | null {
  for (let i = evalEvents.length - 1; i >= 0; i--) {
    const event = evalEvents[i]!;
    const results = (event.payload as EvalPayload).results ?? [];
    const value = (name: string) => results.find((r) => r.name === name)?.value ?? null;
    const drops: Array<number | null> = [];
    for (const { name, value: v } of results) {
      const block = blockOfDropKey(name);
      if (block !== null) drops[block] = v;
    }
    if (drops.length === 0 || event.step === null) continue;
    return {
      step: event.step,
      fullLoss: value(STABILITY_KEYS.fullLoss),
      drops: Array.from(drops, (v) => v ?? null),
      stageLoss: value(STABILITY_KEYS.stageLoss),
      nextLoss: value(STABILITY_KEYS.nextStageLoss),
      gap: value(STABILITY_KEYS.nextStageGap),
    };
  }
  return null;
}
