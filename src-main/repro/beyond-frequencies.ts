// The bert-mini report's section on what the runs learned beyond word frequencies, from their recorded
// held-out evaluations ([MASK] at every target): the step and FLOPs at which each run first got below the
// unigram line (interpolated between evaluations), its final loss and accuracy beside the unigram and
// most-frequent-token baselines on the same targets, the share of targets given its single most common
// prediction, and the training-masking figure earlier versions of the report called the held-out loss.
// What the numbers say is written from them (frequency-findings.ts), never assumed.
import { formatFlops } from '../../shared/format.js';
import { MLM_KEYS } from '../../shared/metrics.js';
import { firstReach, type Db } from '../store/index.js';
import { frequencyFindings } from './frequency-findings.js';
import { decimal3 as f3, percentCell as pct, table } from './markdown.js';

export interface FrequencyRun {
  id: string;
  label: string;
  method: string;
  seed: number;
  steps: number;
  /** The FLOPs the whole run spent. */
  flops: number;
  /** The last value of every eval series of the run. */
  evals: Record<string, number>;
}

/** Where a run's held-out MLM loss first reached its unigram line, interpolated between evaluations. */
export interface BelowLine {
  /** 1-based step. */
  step: number;
  flops: number;
  /** The first evaluation at or below the line (1-based step). */
  evalStep: number;
}

export function belowUnigram(db: Db, run: FrequencyRun): BelowLine | null {
  const target = run.evals[MLM_KEYS.unigramLoss];
  if (target === undefined || !Number.isFinite(target)) return null;
  const reach = (xAxis: 'step' | 'flops') =>
    firstReach(db, { runId: run.id, key: MLM_KEYS.loss, target, xAxis });
  const bySteps = reach('step');
  if (!bySteps) return null;
  return {
    step: bySteps.xInterpolated + 1,
    flops: reach('flops')!.xInterpolated,
    evalStep: bySteps.step + 1,
  };
}

export const notWithin = (run: FrequencyRun) => `not within ${run.steps} steps`;

const crossingCell = (below: BelowLine | null, run: FrequencyRun) =>
  below
    ? `${Math.round(below.step)} (${formatFlops(below.flops)}; eval at ${below.evalStep})`
    : notWithin(run);

/** One entry per method: where each of its seeds got below the line, and its FLOPs against the reference's. */
export function crossingsByMethod(
  runs: readonly FrequencyRun[],
  below: ReadonlyMap<string, BelowLine | null>,
  methods: readonly string[],
  reference: string,
): string[] {
  const referenceOf = (seed: number) => runs.find((r) => r.method === reference && r.seed === seed);
  return methods.map((method) => {
    const own = runs.filter((r) => r.method === method);
    const perSeed = own.map((r) => {
      const b = below.get(r.id) ?? null;
      if (!b) return notWithin(r);
      const ref = referenceOf(r.seed);
      const refBelow = ref && ref !== r ? below.get(ref.id) : undefined;
      const ratio = refBelow ? `, ${(b.flops / refBelow.flops).toFixed(2)}x ${reference}'s` : '';
      return `step ${Math.round(b.step)} (${formatFlops(b.flops)}${ratio})`;
    });
    const name = own[0]?.label.replace(/ \(seed \d+\)$/, '') ?? method;
    return `${name}: ${perSeed.join(' / ')}`;
  });
}

/** Per-run table, where each method got below the line, then what the numbers show. */
export function beyondFrequencies(
  db: Db,
  runs: readonly FrequencyRun[],
  methods: readonly string[],
  reference: string,
): string {
  const below = new Map(runs.map((r) => [r.id, belowUnigram(db, r)]));
  const rows = runs.map((r) => {
    const e = r.evals;
    return [
      r.label,
      f3(e[MLM_KEYS.loss]),
      f3(e[MLM_KEYS.unigramLoss]),
      crossingCell(below.get(r.id)!, r),
      pct(e[MLM_KEYS.acc]),
      pct(e[MLM_KEYS.mostFrequentAcc]),
      pct(e[MLM_KEYS.topTokenShare]),
      f3(e[MLM_KEYS.lossTrainMasking]),
    ];
  });
  const seedNote = runs.some((r) => r.seed > 0) ? '; one entry per seed' : '';
  return `${table(
    [
      'method',
      'held-out MLM loss',
      'unigram line',
      'below the line from step (FLOPs; first eval below)',
      'masked-token acc',
      'most frequent token',
      'targets given the top prediction',
      'with training masking',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  )}

- Steps and FLOPs to get below the unigram line with [MASK] at every target (interpolated between evaluations${seedNote}): ${crossingsByMethod(runs, below, methods, reference).join('; ')}.
${frequencyFindings(runs, below)
  .map((line) => `- ${line}`)
  .join('\n')}`;
}
