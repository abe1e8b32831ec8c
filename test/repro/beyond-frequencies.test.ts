// The bert-mini report's steps and FLOPs to get below the unigram line, on constructed eval series: the
// first evaluation at or below the run's own line, placed between evaluations by linear interpolation (in
// steps and in FLOPs), each method's FLOPs against full training's, and a run that never got there saying so.
import { describe, expect, it } from 'vitest';
import {
  beyondFrequencies,
  belowUnigram,
  crossingsByMethod,
  type FrequencyRun,
} from '../../src-main/repro/beyond-frequencies.js';
import { appendSeriesPoints, createRun, openDatabase, type Db } from '../../src-main/store/index.js';

const UNIGRAM = 6.42;

/** A run evaluated after steps 75, 150, 225, ... that spends `flopsPerStep` every step. */
function runWith(db: Db, method: string, losses: number[], flopsPerStep = 1e9): FrequencyRun {
  const { id } = createRun(db, { name: method, config: { policy: { kind: 'full' } }, appVersion: '0.1.0' });
  appendSeriesPoints(db, {
    runId: id,
    key: 'eval/mlm_loss',
    points: losses.map((value, i) => {
      const step = 75 * (i + 1) - 1;
      return { step, value, wallMs: step, flops: (step + 1) * flopsPerStep, tokens: step };
    }),
  });
  const evals = {
    'eval/mlm_loss': losses.at(-1)!,
    'eval/mlm_unigram_loss': UNIGRAM,
    'eval/mlm_loss_train_masking': losses.at(-1)! - 0.2,
    'eval/mlm_acc': 0.08,
    'eval/mlm_most_frequent_acc': 0.05,
    'eval/mlm_top_token_share': 0.4,
  };
  const steps = 75 * losses.length;
  return { id, label: method, method, seed: 0, steps, flops: steps * flopsPerStep, evals };
}

describe('steps and FLOPs to get below the unigram line', () => {
  it('interpolates between the evaluations either side of the crossing, in steps and in FLOPs', () => {
    const db = openDatabase(':memory:');
    const crossing = runWith(db, 'full', [6.6, 6.5, 6.3, 6.2]);
    // 6.42 lies 40% of the way from 6.5 (after step 150) to 6.3 (after step 225): step 180, 180 GFLOP.
    const below = belowUnigram(db, crossing)!;
    expect(below.step).toBeCloseTo(180, 9);
    expect(below.flops).toBeCloseTo(180e9, 0);
    expect(below.evalStep).toBe(225);
    const never = runWith(db, 'never', [6.6, 6.5, 6.45, 6.43]);
    expect(belowUnigram(db, never)).toBeNull();
    const report = beyondFrequencies(db, [crossing, never], ['full', 'never'], 'full');
    expect(report).toContain(
      '| full | 6.200 | 6.420 | 180 (180 GFLOP; eval at 225) | 8.0% | 5.0% | 40.0% | 6.000 |',
    );
    expect(report).toContain('| never | 6.430 | 6.420 | not within 300 steps |');
    expect(report).toContain('full: step 180 (180 GFLOP); never: not within 300 steps.');
    expect(report).toContain('1 of 2 runs end below the unigram line');
  });

  it("puts each method's FLOPs beside full training's of the same seed", () => {
    const db = openDatabase(':memory:');
    const full = runWith(db, 'full', [6.6, 6.5, 6.3, 6.2]);
    // Cheaper steps, same crossing step (180): 0.75x full's FLOPs there.
    const cheap = runWith(db, 'cheap', [6.6, 6.5, 6.3, 6.2], 0.75e9);
    // Crosses at the first evaluation, with no earlier one to interpolate from: that evaluation's step.
    const early = runWith(db, 'early', [6.4, 6.3]);
    const lines = crossingsByMethod(
      [full, cheap, early],
      new Map([full, cheap, early].map((r) => [r.id, belowUnigram(db, r)])),
      ['full', 'cheap', 'early'],
      'full',
    );
    expect(lines).toEqual([
      'full: step 180 (180 GFLOP)',
      "cheap: step 180 (135 GFLOP, 0.75x full's)",
      "early: step 75 (75 GFLOP, 0.42x full's)",
    ]);
  });

  it('lists one entry per seed and notes a run that got below the line and came back above it', () => {
    const db = openDatabase(':memory:');
    const seeds = [0, 1].map((seed) => ({
      ...runWith(db, 'full', seed === 0 ? [6.5, 6.3] : [6.5, 6.44, 6.43]),
      seed,
      label: `full (seed ${seed})`,
    }));
    const bounced = { ...runWith(db, 'bounce', [6.5, 6.4, 6.45]), label: 'bounce' };
    const report = beyondFrequencies(db, [...seeds, bounced], ['full', 'bounce'], 'full');
    expect(report).toContain('one entry per seed');
    // 6.42 lies 80% of the way from 6.5 (after step 75) to 6.4 (after step 150): step 135.
    expect(report).toContain(
      "full: step 105 (105 GFLOP) / not within 225 steps; bounce: step 135 (135 GFLOP, 1.29x full's).",
    );
    expect(report).toContain('bounce got below it and ended above it again.');
  });
});
