// The memory estimate behind the "cannot fit" refusal: its parameter count is the model's own (both model
// kinds, both norms), and each part grows with what it should. How close the whole estimate comes to a
// real trainer's peak memory is measured, not asserted: see memory-estimate.ts.
import { describe, expect, it } from 'vitest';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { estimateTrainingMemory, parameterCount } from '../../shared/memory-estimate.js';
import { Rng } from '../../shared/rng.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import { ResidualMlp } from '../../src-main/trainer/model/residual-mlp.js';
import { BertEncoder } from '../../src-main/trainer/model/transformer.js';

describe('memory estimate', () => {
  it('counts the parameters the models really have', () => {
    for (const norm of ['pre', 'post'] as const) {
      const config = mustParseRunConfig({
        task: { kind: 'mlm', tokenizer: { vocabSize: 300 } },
        model: { layers: 3, dModel: 16, heads: 2, ffDim: 40, seqLen: 12, vocabSize: 300, norm },
      });
      const params = new ParameterSet(Rng.stream(1, 'init'));
      new BertEncoder(config.model, params);
      expect(parameterCount(config)).toBe(params.count());
      params.dispose();
    }
    const poly = mustParseRunConfig({
      task: { kind: 'polynomial', inputDim: 7 },
      model: { layers: 5, dModel: 24, ffDim: 10 },
    });
    const params = new ParameterSet(Rng.stream(1, 'init'));
    new ResidualMlp({ inputDim: 7, width: 24, hidden: 10, layers: 5 }, params);
    expect(parameterCount(poly)).toBe(params.count());
    params.dispose();
  });

  it('grows activations with the batch, and weights, gradients and moments with the model', () => {
    const base = mustParseRunConfig({});
    const wide = estimateTrainingMemory(mustParseRunConfig({ model: { dModel: 256, heads: 4 } })).bytes;
    const bigBatch = estimateTrainingMemory(mustParseRunConfig({ training: { batchSize: 64 } })).bytes;
    const b = estimateTrainingMemory(base).bytes;
    expect(bigBatch.activations).toBeCloseTo(4 * b.activations, -3);
    expect(bigBatch.parameters).toBe(b.parameters);
    expect(wide.parameters).toBeGreaterThan(2 * b.parameters);
    expect(b.optimizer).toBe(2 * b.parameters);
    expect(b.gradients).toBe(b.parameters);
    expect(b.total).toBe(Object.entries(b).reduce((sum, [k, v]) => (k === 'total' ? sum : sum + v), 0));
    // The shapes from the issue: 64 blocks of d=2048 need tens of GB; 200 of d=4096 hundreds.
    const huge = (layers: number, dModel: number) =>
      estimateTrainingMemory(mustParseRunConfig({ model: { layers, dModel, heads: 16, ffDim: 4 * dModel } }))
        .bytes.total;
    expect(huge(64, 2048)).toBeGreaterThan(40e9);
    expect(huge(200, 4096)).toBeGreaterThan(500e9);
  });
});
