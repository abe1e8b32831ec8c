// Comparing runs the way this method should be compared: the FLOPs (and wall time, tokens, steps) each
// run needed to reach one eval loss, as ratios against the first run, and the config fields that differ.
import { diffConfigs } from '../../shared/config/diff.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { higherIsBetter, primaryEvalKey } from '../../shared/metrics.js';
import { finalValue, firstReach, getRun, mustGetRun, valueRange, type Db, type Run } from '../store/index.js';
import { summarizeRun } from './run-summary.js';
import type { ComparedRun, CompareResult } from '../../shared/api-types.js';

export type { ComparedRun, CompareResult };

export interface CompareQuery {
  runIds: string[];
  /** The eval loss to reach; default: the highest best-loss among the runs (the loss every run reached). */
  atLoss?: number;
  /** The eval key; default: the first run's primary eval loss. */
  key?: string;
  /** Leave out ids that name no run (reported in `missing`) instead of refusing the comparison. */
  skipMissing?: boolean;
}

/**
 * The best value of `key` in a run (its lowest, or highest for accuracies), and its final value; null when
 * the run never recorded the key (another task's metric).
 */
function bestAndFinal(db: Db, run: Run, summary: ReturnType<typeof summarizeRun>, key: string) {
  if (summary.evalKey === key) return { best: summary.bestEvalLoss, final: summary.lastEvalLoss };
  const range = valueRange(db, run.id, key);
  if (!range) return { best: null, final: null };
  return { best: higherIsBetter(key) ? range.max : range.min, final: finalValue(db, run.id, key) };
}

export function compareRuns(db: Db, query: CompareQuery): CompareResult {
  if (query.runIds.length === 0) throw new Error('compare needs at least one run id');
  const found = query.skipMissing
    ? query.runIds.map((id) => getRun(db, id))
    : query.runIds.map((id) => mustGetRun(db, id));
  const runs = found.filter((run): run is Run => run !== undefined);
  const missing = query.runIds.filter((_, i) => found[i] === undefined);
  if (runs.length === 0) mustGetRun(db, query.runIds[0]!); // none left: refuse, naming the first id
  const key = query.key ?? primaryEvalKey(runs[0]!.config as unknown as RunConfig);
  const summaries = runs.map((run) => summarizeRun(db, run));
  const values = runs.map((run, i) => bestAndFinal(db, run, summaries[i]!, key));
  // Reaching a target is a loss (or error) going down to it; accuracies have no FLOPs-to-target.
  const reachKind = !higherIsBetter(key);
  // The default target: the highest best among the runs that recorded this metric (the loss all of them
  // reached); runs of another task do not record it and do not count.
  const bests = values.map((v) => v.best).filter((b): b is number => b !== null);
  const target = !reachKind ? null : (query.atLoss ?? (bests.length > 0 ? Math.max(...bests) : null));
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
    targetSource: target === null ? 'none' : query.atLoss !== undefined ? 'given' : 'highest best loss',
    runs: summaries.map((s, i) => {
      const reach = reaches[i]!;
      return {
        id: s.id,
        name: s.name,
        task: s.task,
        evalKey: s.evalKey,
        policy: s.policy,
        schedule: s.schedule,
        bestEvalLoss: values[i]!.best,
        finalEvalLoss: values[i]!.final,
        totalFlops: s.flops,
        totalWallMs: s.wallMs,
        reach,
        flopsRatio: base && reach && reach.flops > 0 ? base.flops / reach.flops : null,
        wallRatio: base && reach && reach.wallMs > 0 ? base.wallMs / reach.wallMs : null,
      };
    }),
    differences: diffConfigs(runs.map((r) => r.config)),
    missing,
  };
}
