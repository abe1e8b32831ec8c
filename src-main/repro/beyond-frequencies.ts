// The bert-mini report's section on what the runs learned beyond word frequencies, from their recorded
// held-out evaluations ([MASK] at every target): the step each run first got below the unigram line
// (interpolated between evaluations), its final loss and accuracy beside the unigram and most-frequent-token
// baselines on the same targets, the share of targets given its single most common prediction, and the
// training-masking figure earlier versions of the report called the held-out loss.
import { formatPercent } from '../../shared/format.js';
import { MLM_KEYS } from '../../shared/metrics.js';
import { firstReach, type Db } from '../store/index.js';
import { table } from './markdown.js';

export interface FrequencyRun {
  id: string;
  label: string;
  method: string;
  seed: number;
  steps: number;
  /** The last value of every eval series of the run. */
  evals: Record<string, number>;
}

const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3));
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : formatPercent(x));

/** When the run's held-out MLM loss first reached its unigram line: interpolated step and first eval step (1-based). */
export function belowUnigram(db: Db, run: FrequencyRun): { step: number; evalStep: number } | null {
  const target = run.evals[MLM_KEYS.unigramLoss];
  if (target === undefined || !Number.isFinite(target)) return null;
  const reach = firstReach(db, { runId: run.id, key: MLM_KEYS.loss, target, xAxis: 'step' });
  return reach ? { step: reach.xInterpolated + 1, evalStep: reach.step + 1 } : null;
}

const stepText = (below: ReturnType<typeof belowUnigram>, steps: number) =>
  below ? `${Math.round(below.step)} (eval at ${below.evalStep})` : `not in ${steps}`;

/** Per-run table, then one line per method with the step it got below the line in each seed. */
export function beyondFrequencies(db: Db, runs: readonly FrequencyRun[], methods: readonly string[]): string {
  const below = new Map(runs.map((r) => [r.id, belowUnigram(db, r)]));
  const rows = runs.map((r) => {
    const e = r.evals;
    return [
      r.label,
      f3(e[MLM_KEYS.loss]),
      f3(e[MLM_KEYS.unigramLoss]),
      stepText(below.get(r.id)!, r.steps),
      pct(e[MLM_KEYS.acc]),
      pct(e[MLM_KEYS.mostFrequentAcc]),
      pct(e[MLM_KEYS.topTokenShare]),
      f3(e[MLM_KEYS.lossTrainMasking]),
    ];
  });
  const perMethod = methods.map((method) => {
    const own = runs.filter((r) => r.method === method);
    const steps = own.map((r) => {
      const b = below.get(r.id)!;
      return b ? String(Math.round(b.step)) : `not in ${r.steps}`;
    });
    return `${own[0]?.label.replace(/ \(seed \d+\)$/, '') ?? method} ${steps.join(' / ')}`;
  });
  const gaps = runs
    .map((r) => (r.evals[MLM_KEYS.loss] ?? NaN) - (r.evals[MLM_KEYS.lossTrainMasking] ?? NaN))
    .filter(Number.isFinite);
  const [low, high] = [f3(Math.min(...gaps)), f3(Math.max(...gaps))];
  const gap = gaps.length === 0 ? '-' : low === high ? low : `${low}-${high}`;
  return `${table(
    [
      'method',
      'held-out MLM loss',
      'unigram line',
      'below the line from step (first eval below)',
      'masked-token acc',
      'most frequent token',
      'targets given the top prediction',
      'with training masking',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  )}

- Steps to get below the unigram line with [MASK] at every target (interpolated between evaluations${runs.some((r) => r.seed > 0) ? '; one number per seed' : ''}): ${perMethod.join('; ')}.
- The training masking, which leaves a tenth of the targets showing their own answer, reads ${gap} nats lower on the same targets at the end: that is what a model earns there by copying its input.`;
}
