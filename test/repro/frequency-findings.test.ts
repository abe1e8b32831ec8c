// What the bert-mini report says about the runs against the frequency baselines is written from the numbers:
// constructed final evaluations that go each way (all below the unigram line, none, some; above or at the
// most-frequent guess; collapsed or not; flattered by the training masking or not) get the sentence that
// matches them.
import { describe, expect, it } from 'vitest';
import type { BelowLine, FrequencyRun } from '../../src-main/repro/beyond-frequencies.js';
import { comparisonCaveat, frequencyFindings, names, span } from '../../src-main/repro/frequency-findings.js';

interface Finals {
  loss: number;
  acc?: number;
  share?: number;
  trainMasking?: number;
}

function run(label: string, f: Finals): FrequencyRun {
  const evals: Record<string, number> = {
    'eval/mlm_loss': f.loss,
    'eval/mlm_unigram_loss': 6.4,
    'eval/mlm_acc': f.acc ?? 0.1,
    'eval/mlm_most_frequent_acc': 0.06,
  };
  if (f.share !== undefined) evals['eval/mlm_top_token_share'] = f.share;
  if (f.trainMasking !== undefined) evals['eval/mlm_loss_train_masking'] = f.trainMasking;
  return { id: label, label, method: label, seed: 0, steps: 1500, flops: 1e13, evals };
}

const nowhere = (runs: FrequencyRun[]) => new Map<string, BelowLine | null>(runs.map((r) => [r.id, null]));

describe('the findings beside the frequency baselines', () => {
  it('says when every run beats both baselines, by how much, and which got below the line on the fewest FLOPs', () => {
    const runs = [run('a', { loss: 6.1, acc: 0.13 }), run('b', { loss: 6.2, acc: 0.12 })];
    const below = new Map<string, BelowLine | null>([
      ['a', { step: 400, flops: 4e12, evalStep: 450 }],
      ['b', { step: 300, flops: 3e12, evalStep: 300 }],
    ]);
    const lines = frequencyFindings(runs, below);
    // exp(-0.2) = 0.819, exp(-0.3) = 0.741: perplexity 18.1% and 25.9% lower.
    expect(lines[0]).toBe(
      'Every run ends below the unigram line with [MASK] at every target, by 0.200 to 0.300 nats (perplexity 18.1 to 25.9% lower): each predicts masked words better than word frequencies alone.',
    );
    expect(lines[1]).toBe(
      'Fewest FLOPs to get below the line: b, 3 TFLOP (step 300); most: a, 4 TFLOP (step 400).',
    );
    expect(lines[2]).toBe(
      'Every run guesses masked words more often than always guessing the most frequent token (right at 6.0% of these targets): accuracy 12.0% to 13.0%, 6.0 to 7.0 points above it.',
    );
    expect(lines).toHaveLength(3); // no top-token share or training-masking figure recorded: no sentence on them
  });

  it('says when no run beats the unigram line or the most frequent token, naming the closest', () => {
    const runs = [run('a', { loss: 6.45, acc: 0.06 }), run('b', { loss: 6.5, acc: 0.05 })];
    const lines = frequencyFindings(runs, nowhere(runs));
    expect(lines[0]).toBe(
      'No run ends below the unigram line with [MASK] at every target (the closest, a, ends 0.050 nats above it): nothing these runs learned about context beats word frequencies alone.',
    );
    expect(lines[1]).toBe(
      'No run guesses masked words more often than always guessing the most frequent token (right at 6.0% of these targets): accuracy 5.0% to 6.0%.',
    );
  });

  it('says when every run scores exactly the most-frequent guess, as a run collapsed onto that token does', () => {
    const runs = [run('a', { loss: 6.5, acc: 0.06 }), run('b', { loss: 6.48, acc: 0.06 })];
    expect(frequencyFindings(runs, nowhere(runs))[1]).toBe(
      "No run guesses masked words more often than always guessing the most frequent token (right at 6.0% of these targets): each scores exactly that guess's accuracy, as a model that gives the most frequent token at every target does.",
    );
  });

  it('names the runs on the wrong side when the runs split, and a run that got below and came back', () => {
    const runs = [
      run('a', { loss: 6.3, acc: 0.08 }),
      run('b', { loss: 6.41, acc: 0.05 }),
      run('c', { loss: 6.5, acc: 0.04 }),
    ];
    const below = new Map<string, BelowLine | null>([
      ['a', { step: 600, flops: 6e12, evalStep: 675 }],
      ['b', { step: 900, flops: 9e12, evalStep: 900 }],
      ['c', null],
    ]);
    const lines = frequencyFindings(runs, below);
    expect(lines[0]).toBe(
      '1 of 3 runs end below the unigram line with [MASK] at every target, by 0.100 nats (perplexity 9.5% lower); b and c do not. b got below it and ended above it again.',
    );
    expect(lines[2]).toBe(
      '1 of 3 runs guess masked words more often than always guessing the most frequent token (right at 6.0% of these targets), 2.0 points above it; b and c do not.',
    );
  });

  it('calls a run that gives one token at 90% of the targets or more collapsed, and only that one', () => {
    const runs = [
      run('a', { loss: 6.3, share: 1 }),
      run('b', { loss: 6.3, share: 0.6 }),
      run('c', { loss: 6.3, share: 0.2 }),
    ];
    expect(frequencyFindings(runs, nowhere(runs))).toContain(
      "A run's single most common prediction takes 20.0% to 100.0% of the targets (a model that says one token everywhere, like the most-frequent-token guess, takes 100%). a is collapsed or nearly so (one token at 90.0% of the targets or more); the others spread their guesses.",
    );
    const spread = [run('b', { loss: 6.3, share: 0.6 }), run('c', { loss: 6.3, share: 0.2 })];
    expect(frequencyFindings(spread, nowhere(spread)).at(-1)).toMatch(
      /None is collapsed, but b still gives one token at more than half the targets\.$/,
    );
    const collapsed = [run('a', { loss: 6.5, share: 0.95 }), run('b', { loss: 6.5, share: 1 })];
    expect(frequencyFindings(collapsed, nowhere(collapsed)).at(-1)).toMatch(
      /Every run is collapsed or nearly so \(one token at 90\.0% of the targets or more\)/,
    );
  });

  it('says how much the training masking flattered the runs, and how the verdict on the line changes', () => {
    const runs = [run('a', { loss: 6.45, trainMasking: 6.2 }), run('b', { loss: 6.3, trainMasking: 6.0 })];
    expect(frequencyFindings(runs, nowhere(runs)).at(-1)).toBe(
      'The training masking, which leaves a tenth of the targets showing their own answer, reads 0.250 to 0.300 nats lower on the same targets at the end: what a model earns there by copying its input, which the held-out loss of earlier versions of this report included. Read that way, 2 of 2 runs would end below the unigram line; with [MASK] at every target, 1 does.',
    );
    const notFlattered = [run('a', { loss: 6.3, trainMasking: 6.35 })];
    expect(frequencyFindings(notFlattered, nowhere(notFlattered)).at(-1)).toBe(
      'The training masking, which leaves a tenth of the targets showing their own answer, reads 0.050 nats higher on the same targets at the end: copying earned these runs nothing.',
    );
  });

  it('says there is nothing to compare when no run has the [MASK]-only loss', () => {
    const old = { ...run('old', { loss: Number.NaN }) };
    expect(frequencyFindings([old], nowhere([old]))).toEqual([
      'No run recorded a held-out MLM loss and unigram line with [MASK] at every target: nothing to compare.',
    ]);
  });

  it('warns that loss differences between runs above the unigram line only measure closeness to frequencies', () => {
    const [a, b, c] = [run('a', { loss: 6.3 }), run('b', { loss: 6.45 }), run('c', { loss: 6.5 })];
    expect(comparisonCaveat([a])).toBeUndefined();
    expect(comparisonCaveat([a, b])).toBe(
      'b ends above the unigram line with [MASK] at every target: its loss below says how close it came to predicting word frequencies, not what it learned about context.',
    );
    expect(comparisonCaveat([a, b, c])).toMatch(
      /^b and c end above the unigram line .*: their loss below says how close each came/,
    );
    expect(comparisonCaveat([b, c])).toBe(
      'No run ends below the unigram line with [MASK] at every target, so every loss difference below is a difference in how close each run came to predicting word frequencies, not what it learned about context.',
    );
  });

  it('joins names and ranges the way the sentences need', () => {
    const r = (label: string) => run(label, { loss: 6 });
    expect(names([r('a')])).toBe('a');
    expect(names([r('a'), r('b'), r('c')])).toBe('a, b and c');
    expect(span([0.1234, 0.1231], (x) => x.toFixed(3))).toBe('0.123');
    expect(span([0.2, 0.1], (x) => x.toFixed(3))).toBe('0.100 to 0.200');
  });
});
