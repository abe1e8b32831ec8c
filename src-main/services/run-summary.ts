// What a runs table shows for each run, computed from the store in a few indexed reads per run.
import type { RunConfig } from '../../shared/config/schema.js';
import { evalMaskingOf, primaryEvalKey } from '../../shared/metrics.js';
import {
  latestStep,
  listRuns,
  seriesBestAndLast,
  type Db,
  type Run,
  type RunFilter,
} from '../store/index.js';
import type { RunSummary } from '../../shared/api-types.js';

export type { RunSummary };

export function scheduleLabel(config: RunConfig): string {
  const policy = config.policy;
  switch (policy.kind) {
    case 'raptr':
      return policy.schedule.label ?? `${policy.schedule.stages?.length ?? 0} stages`;
    case 'stacking':
      return policy.label;
    case 'pld':
      return `θ̄ ${policy.thetaBar}, γ ${policy.gamma}`;
    case 'stochastic-depth':
      return `keep ${policy.keepProb}`;
    case 'full':
      return 'all blocks';
  }
}

export function summarizeRun(db: Db, run: Run): RunSummary {
  const config = run.config as unknown as RunConfig;
  const last = latestStep(db, run.id);
  const evalKey = primaryEvalKey(config);
  // Two indexed reads of the one series the table shows, not every eval series of the run: a list of
  // 200 runs is read on every cold load of the runs page.
  const { best, last: lastEval } = seriesBestAndLast(db, run.id, evalKey);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    policy: run.policy,
    schedule: scheduleLabel(config),
    task: config.task.kind,
    stepsDone: last ? last.step + 1 : 0,
    stepsTotal: config.training.steps,
    evalKey,
    evalMasking: evalMaskingOf(config),
    bestEvalLoss: best,
    lastEvalLoss: lastEval,
    flops: last?.flops ?? 0,
    fullFlops: last?.fullFlops ?? 0,
    flopsSaved: last && last.fullFlops > 0 ? 1 - last.flops / last.fullFlops : 0,
    wallMs: last?.wallMs ?? 0,
    createdAt: run.createdAt,
    tags: run.tags,
    archived: run.archived,
    backend: run.backend,
    device: run.device,
    preset: run.preset,
  };
}

export function listRunSummaries(db: Db, filter: RunFilter = {}): RunSummary[] {
  return listRuns(db, filter).map((run) => summarizeRun(db, run));
}
