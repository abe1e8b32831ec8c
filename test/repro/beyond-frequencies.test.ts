// The bert-mini report's count of steps to get below the unigram line: the first evaluation at or below the
// run's own line, placed between evaluations by linear interpolation; a run that never got there says so.
import { describe, expect, it } from 'vitest';
import { beyondFrequencies, belowUnigram } from '../../src-main/repro/beyond-frequencies.js';
import { appendSeriesPoints, createRun, openDatabase, type Db } from '../../src-main/store/index.js';

function runWith(db: Db, name: string, losses: number[]) {
  const { id } = createRun(db, { name, config: { policy: { kind: 'full' } }, appVersion: '0.1.0' });
  appendSeriesPoints(db, {
    runId: id,
    key: 'eval/mlm_loss',
    points: losses.map((value, i) => {
      const step = 75 * (i + 1) - 1; // evaluations after steps 75, 150, 225, ...
      return { step, value, wallMs: step, flops: step, tokens: step };
    }),
  });
  const evals = {
    'eval/mlm_loss': losses.at(-1)!,
    'eval/mlm_unigram_loss': 6.42,
    'eval/mlm_loss_train_masking': losses.at(-1)! - 0.2,
    'eval/mlm_acc': 0.08,
    'eval/mlm_most_frequent_acc': 0.05,
    'eval/mlm_top_token_share': 0.4,
  };
  return { id, label: name, method: name, seed: 0, steps: 75 * losses.length, evals };
}

describe('steps to get below the unigram line', () => {
  it('interpolates between the evaluations either side of the crossing', () => {
    const db = openDatabase(':memory:');
    const crossing = runWith(db, 'crosses', [6.6, 6.5, 6.3, 6.2]);
    // 6.42 lies 40% of the way from 6.5 (after step 150) to 6.3 (after step 225): step 180.
    expect(belowUnigram(db, crossing)).toEqual({ step: 180, evalStep: 225 });
    const never = runWith(db, 'never', [6.6, 6.5, 6.45, 6.43]);
    expect(belowUnigram(db, never)).toBeNull();
    const report = beyondFrequencies(db, [crossing, never], ['crosses', 'never']);
    expect(report).toContain('| crosses | 6.200 | 6.420 | 180 (eval at 225) | 8.0% | 5.0% | 40.0% | 6.000 |');
    expect(report).toContain('| never | 6.430 | 6.420 | not in 300 |');
    expect(report).toContain('crosses 180; never not in 300');
    expect(report).toContain('reads 0.200 nats lower');
  });
});
