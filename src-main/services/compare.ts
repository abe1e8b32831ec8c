// Comparing runs the way this method should be compared: the FLOPs (and wall time, tokens, steps) each
// run needed to reach one eval loss, as ratios against the first run, and the config fields that differ.
// A key can mean different things in different runs (eval/mlm_loss: [MASK] at every target, or the training
// masking in runs recorded before that): each run says how it measured the key, ratios link only runs
// measured alike, and the answer says so in words when they were not.
import { diffConfigs } from '../../shared/config/diff.js';
import type { RunConfig } from '../../shared/config/schema.js';
import {
  EVAL_MASKING_SHORT,
  higherIsBetter,
  keyMasking,
  MLM_KEYS,
  primaryEvalKey,
  seriesKeyFor,
  type EvalMasking,
} from '../../shared/metrics.js';
import {
  firstReach,
  getRun,
  mustGetRun,
  seriesBestAndLast,
  valueRange,
  type Db,
  type Run,
} from '../store/index.js';
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
 * The best value of a series (its lowest, or highest for accuracies) and its last; nulls when the run never
 * recorded it (another task's metric).
 */
function bestAndLast(db: Db, runId: string, key: string): { best: number | null; last: number | null } {
  const values = seriesBestAndLast(db, runId, key);
  if (!higherIsBetter(key)) return values;
  return { best: valueRange(db, runId, key)?.max ?? null, last: values.last };
}

/** When the runs measured `key` in different ways: which runs did what, and how to put them on one footing. */
function maskingNote(key: string, runs: readonly Run[], maskings: Array<EvalMasking | null>): string | null {
  const kinds = [...new Set(maskings.filter((m): m is EvalMasking => m !== null))];
  if (kinds.length < 2) return null;
  const groups = kinds.map((kind) => {
    const names = runs.filter((_, i) => maskings[i] === kind).map((r) => r.name);
    return `${EVAL_MASKING_SHORT[kind]} (${names.join(', ')})`;
  });
  const common =
    key === MLM_KEYS.loss ? `; ${MLM_KEYS.lossTrainMasking} compares them all on the training masking` : '';
  return (
    `${key} was measured two ways: ${groups.join(' and ')}. FLOPs and wall ratios link only runs measured ` +
    `like the first${common}.`
  );
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
  const seriesKeys = runs.map((run) => seriesKeyFor(run.config, key));
  const maskings = runs.map((run) => keyMasking(run.config, key));
  const summaries = runs.map((run) => summarizeRun(db, run));
  const values = runs.map((run, i) => bestAndLast(db, run.id, seriesKeys[i]!));
  const bests = values.map((v) => v.best);
  // Reaching a target is a loss (or error) going down to it; accuracies have no FLOPs-to-target.
  const reachKind = !higherIsBetter(key);
  // The default target: the highest best among the runs that recorded this metric (the loss all of them
  // reached); runs of another task do not record it and do not count.
  const reachable = bests.filter((b): b is number => b !== null);
  const target = !reachKind ? null : (query.atLoss ?? (reachable.length > 0 ? Math.max(...reachable) : null));
  const reaches = runs.map((run, i) => {
    if (target === null) return null;
    const at = (xAxis: 'flops' | 'wall' | 'tokens') =>
      firstReach(db, { runId: run.id, key: seriesKeys[i]!, target, xAxis });
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
  const alike = (i: number) => maskings[i] === maskings[0];
  return {
    key,
    target,
    targetSource: target === null ? 'none' : query.atLoss !== undefined ? 'given' : 'highest best loss',
    maskingNote: maskingNote(key, runs, maskings),
    runs: summaries.map((s, i) => {
      const reach = reaches[i]!;
      const linked = base && reach && alike(i);
      return {
        id: s.id,
        name: s.name,
        task: s.task,
        evalKey: s.evalKey,
        policy: s.policy,
        schedule: s.schedule,
        seriesKey: seriesKeys[i]!,
        evalMasking: maskings[i]!,
        bestEvalLoss: bests[i]!,
        finalEvalLoss: values[i]!.last,
        totalFlops: s.flops,
        totalWallMs: s.wallMs,
        reach,
        flopsRatio: linked && reach.flops > 0 ? base.flops / reach.flops : null,
        wallRatio: linked && reach.wallMs > 0 ? base.wallMs / reach.wallMs : null,
      };
    }),
    differences: diffConfigs(runs.map((r) => r.config)),
    missing,
  };
}
