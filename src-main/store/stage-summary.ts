// The stage-by-stage table of a run (PRODUCT.md, "Trust it"): steps, p_s, mean active blocks, FLOPs, train
// loss at the stage end, and the evals taken at the stage end. Computed from stored rows on demand.
import { listEvents } from './events.js';
import { findSeriesId, pointAtOrBefore } from './metrics.js';
import { aggregateRange } from './range-aggregate.js';
import { stageRanges, stepAtOrBefore } from './step-queries.js';
import type { Db } from './sqlite.js';
import type { StageSummary } from '../../shared/api-types.js';

export type { StageSummary };

interface StagePayload {
  index: number;
  label: string;
  p: number;
  expectedActive: number;
}

interface EvalPayload {
  stage: number;
  reason: string;
  results: Array<{ name: string; value: number | null }>;
}

export function stageSummary(db: Db, runId: string): StageSummary[] {
  const plans = new Map<number, StagePayload>();
  for (const event of listEvents(db, runId, { kinds: ['stage'] })) {
    const plan = event.payload as StagePayload;
    plans.set(plan.index, plan);
  }
  const evals = listEvents(db, runId, { kinds: ['eval'] });
  const activeSeries = findSeriesId(db, runId, 'train/active');
  const lossSeries = findSeriesId(db, runId, 'train/loss');
  return stageRanges(db, runId).map(({ stage, first, last }) => {
    const plan = plans.get(stage);
    const active = activeSeries === undefined ? undefined : aggregateRange(db, activeSeries, { first, last });
    const before = stepAtOrBefore(db, runId, first - 1);
    const end = stepAtOrBefore(db, runId, last)!;
    const inStage = evals.filter((e) => e.step !== null && e.step >= first && e.step <= last);
    const atEnd =
      inStage.filter((e) => (e.payload as EvalPayload).reason !== 'periodic').at(-1) ??
      inStage.at(-1) ??
      null;
    const endPayload = atEnd?.payload as EvalPayload | undefined;
    return {
      stage,
      label: plan?.label ?? null,
      p: plan?.p ?? null,
      expectedActive: plan?.expectedActive ?? null,
      firstStep: first,
      lastStep: last,
      steps: active?.count ?? last - first + 1,
      meanActive: active?.mean ?? null,
      flops: end.flops - (before?.flops ?? 0),
      fullFlops: end.fullFlops - (before?.fullFlops ?? 0),
      trainLossAtEnd:
        lossSeries === undefined ? null : (pointAtOrBefore(db, lossSeries, last)?.value ?? null),
      evalAtEnd:
        atEnd && endPayload
          ? {
              step: atEnd.step!,
              reason: endPayload.reason,
              results: Object.fromEntries(endPayload.results.map((r) => [r.name, r.value])),
            }
          : null,
    };
  });
}
