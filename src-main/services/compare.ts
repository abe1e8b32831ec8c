// Comparing runs the way this method should be compared: the FLOPs (and wall time, tokens, steps) each
// run needed to reach one eval loss, as ratios against the first run, and the config fields that differ.
import { diffConfigs } from '../../shared/config/diff.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { primaryEvalKey } from '../../shared/metrics.js';
import { firstReach, mustGetRun, type Db } from '../store/index.js';
import { summarizeRun } from './run-summary.js';
import type { ComparedRun, CompareResult } from '../../shared/api-types.js';

export type { ComparedRun, CompareResult };

export interface CompareQuery {
  runIds: string[];
  /** The eval loss to reach; default: the highest best-loss among the runs (the loss every run reached). */
  atLoss?: number;
  /** The eval key; default: the first run's primary eval loss. */
  key?: string;
}

export function compareRuns(db: Db, query: CompareQuery): CompareResult {
  if (query.runIds.length === 0) throw new Error('compare needs at least one run id');
  const runs = query.runIds.map((id) => mustGetRun(db, id));
  const key = query.key ?? primaryEvalKey(runs[0]!.config as unknown as RunConfig);
  const summaries = runs.map((run) => summarizeRun(db, run));
  const bests = summaries.map((s) => (s.evalKey === key ? s.bestEvalLoss : null));
  const reachable = bests.filter((b): b is number => b !== null);
  const target = query.atLoss ?? (reachable.length === runs.length ? Math.max(...reachable) : null);
  const reaches = runs.map((run) => {
    if (target === null) return null;
    const at = (xAxis: 'flops' | 'wall' | 'tokens') => firstReach(db, { runId: run.id, key, target, xAxis });
    const flops = at('flops');
    if (!flops) return null;
    return {
      step: flops.step,
      flops: flops.xInterpolated,
      wallMs: at('wall')!.xInterpolated,
      tokens: at('tokens')!.xInterpolated,
    };
  });
  const base = reaches[0];
  return {
    key,
    target,
    targetSource: query.atLoss !== undefined ? 'given' : target === null ? 'none' : 'highest best loss',
    runs: summaries.map((s, i) => {
      const reach = reaches[i]!;
      return {
        id: s.id,
        name: s.name,
        policy: s.policy,
        schedule: s.schedule,
        bestEvalLoss: s.evalKey === key ? s.bestEvalLoss : null,
        finalEvalLoss: s.evalKey === key ? s.lastEvalLoss : null,
        totalFlops: s.flops,
        totalWallMs: s.wallMs,
        reach,
        flopsRatio: base && reach && reach.flops > 0 ? base.flops / reach.flops : null,
        wallRatio: base && reach && reach.wallMs > 0 ? base.wallMs / reach.wallMs : null,
      };
    }),
    differences: diffConfigs(runs.map((r) => r.config)),
  };
}
