// Comparing runs the way this method should be compared: the FLOPs (and wall time, tokens, steps) each
// run needed to reach one eval loss, as ratios against the first run, and the config fields that differ.
// A key can mean different things in different runs (eval/mlm_loss: [MASK] at every target, or the training
// masking in runs recorded before that): each run says how it measured the key, ratios link only runs
// measured alike, and the answer says so in words when they were not.
import { diffConfigs } from '../../shared/config/diff.js';
import type { RunConfig } from '../../shared/config/schema.js';
import {
  EVAL_MASKING_SHORT,
  keyMasking,
  MLM_KEYS,
  primaryEvalKey,
  seriesKeyFor,
  type EvalMasking,
} from '../../shared/metrics.js';
import { firstReach, mustGetRun, seriesBestAndLast, type Db, type Run } from '../store/index.js';
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
  const runs = query.runIds.map((id) => mustGetRun(db, id));
  const key = query.key ?? primaryEvalKey(runs[0]!.config as unknown as RunConfig);
  const seriesKeys = runs.map((run) => seriesKeyFor(run.config, key));
  const maskings = runs.map((run) => keyMasking(run.config, key));
  const summaries = runs.map((run) => summarizeRun(db, run));
  const values = runs.map((run, i) => seriesBestAndLast(db, run.id, seriesKeys[i]!));
  const bests = values.map((v) => v.best);
  const reachable = bests.filter((b): b is number => b !== null);
  const target = query.atLoss ?? (reachable.length === runs.length ? Math.max(...reachable) : null);
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
    targetSource: query.atLoss !== undefined ? 'given' : target === null ? 'none' : 'highest best loss',
    maskingNote: maskingNote(key, runs, maskings),
    runs: summaries.map((s, i) => {
      const reach = reaches[i]!;
      const linked = base && reach && alike(i);
      return {
        id: s.id,
        name: s.name,
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
  };
}
