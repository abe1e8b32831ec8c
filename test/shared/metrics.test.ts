import { describe, expect, it } from 'vitest';
import { metricLabel, primaryEvalKey } from '../../shared/metrics.js';

describe('metric names', () => {
  it('labels keys for people: no prefix, spaces, MLM in capitals', () => {
    expect(metricLabel('eval/era_probe_acc')).toBe('era probe acc');
    expect(metricLabel('eval/mlm_loss')).toBe('MLM loss');
    expect(metricLabel('eval/mlm_unigram_loss')).toBe('MLM unigram loss');
    expect(metricLabel('train/loss')).toBe('loss');
  });

  it('judges a run by its task: masked-token loss for mlm, MSE for the polynomial', () => {
    expect(primaryEvalKey({ task: { kind: 'mlm' } } as Parameters<typeof primaryEvalKey>[0])).toBe(
      'eval/mlm_loss',
    );
    expect(primaryEvalKey({ task: { kind: 'polynomial' } } as Parameters<typeof primaryEvalKey>[0])).toBe(
      'eval/loss',
    );
  });
});
