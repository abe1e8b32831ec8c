import { describe, expect, it } from 'vitest';
import {
  evalMaskingOf,
  keyMasking,
  metricLabel,
  primaryEvalKey,
  seriesKeyFor,
  seriesKeysOf,
} from '../../shared/metrics.js';

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

  it('reads how an MLM run hid its held-out targets; a config without the field predates it', () => {
    const every = { task: { kind: 'mlm', evalMasking: 'every-target' } };
    const old = { task: { kind: 'mlm' } };
    const poly = { task: { kind: 'polynomial' } };
    expect([every, old, poly, null].map(evalMaskingOf)).toEqual([
      'every-target',
      'training-rule',
      null,
      null,
    ]);
    expect(keyMasking(old, 'eval/mlm_acc')).toBe('training-rule');
    expect(keyMasking(old, 'eval/mlm_unigram_loss')).toBeNull(); // the same in both definitions
    expect(seriesKeyFor(old, 'eval/mlm_loss_train_masking')).toBe('eval/mlm_loss');
    expect(seriesKeyFor(every, 'eval/mlm_loss_train_masking')).toBe('eval/mlm_loss_train_masking');
    expect(seriesKeyFor(old, 'eval/mlm_loss')).toBe('eval/mlm_loss');
    expect(seriesKeysOf('eval/mlm_loss_train_masking')).toEqual([
      'eval/mlm_loss_train_masking',
      'eval/mlm_loss',
    ]);
    expect(seriesKeysOf('eval/loss')).toEqual(['eval/loss']);
  });
});
