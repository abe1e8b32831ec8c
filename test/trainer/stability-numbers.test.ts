// The stability monitor's numbers, checked against an independent computation on a tiny residual MLP. The
// monitor bypasses and scales blocks through the mask; here the same subnetworks are made by editing the
// weights instead: a residual block y += a * W_out(...) + a * b_out is bypassed by zeroing W_out and b_out
// and scaled by a by multiplying them by a, and the edited model is scored with every block on (a = 1).
// Two paths to one number: if the mask path scaled or skipped the wrong block, they would differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StageSchedule } from '../../shared/adaptive-schedule.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import { dropBlockKey, STABILITY_KEYS } from '../../shared/stability.js';
import { selectBackend } from '../../src-main/trainer/backend/select-backend.js';
import { StabilityMonitor } from '../../src-main/trainer/eval/stability.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import { firstBlocksMask } from '../../src-main/trainer/subnet/mask.js';
import { createPolynomialTask } from '../../src-main/trainer/tasks/polynomial.js';
import type { TaskBatch, TrainingTask } from '../../src-main/trainer/tasks/types.js';
import { tf } from '../../src-main/trainer/tf.js';

const LAYERS = 4;
const HELD_OUT_BATCHES = 2;

function tinyConfig(policy: unknown, masks = 4): RunConfig {
  return mustParseRunConfig({
    task: { kind: 'polynomial', inputDim: 8, terms: [{ support: [0] }, { support: [1, 2] }] },
    model: { layers: LAYERS, dModel: 16, ffDim: 16 },
    policy,
    training: {
      batchSize: 32,
      steps: 30,
      evalEvery: 5,
      seed: 4,
      backend: 'wasm',
      stability: { heldOutBatches: HELD_OUT_BATCHES, masks },
    },
  });
}

interface Setup {
  config: RunConfig;
  params: ParameterSet;
  task: TrainingTask<TaskBatch>;
  monitor: StabilityMonitor;
}

function setUp(config: RunConfig): Setup {
  if (config.task.kind !== 'polynomial') throw new Error('polynomial expected');
  const params = new ParameterSet(Rng.stream(config.training.seed, 'init'));
  const task = createPolynomialTask(
    config.task,
    config.model,
    config.training.batchSize,
    config.training.seed,
    params,
  ) as TrainingTask<TaskBatch>;
  // Nonzero output weights everywhere (a fresh model's are small but could hide a wrong factor).
  for (let i = 0; i < LAYERS; i++) {
    const w = params.get(`blocks.${i}.mlp.out.w`);
    w.assign(tf.mul(w, 3));
    const b = params.get(`blocks.${i}.mlp.out.b`);
    b.assign(tf.fill(b.shape, 0.05 * (i + 1)));
  }
  return { config, params, task, monitor: StabilityMonitor.create(config, task)! };
}

/**
 * The held-out loss of the model with block i's branch multiplied by factors[i] (0 bypasses it), computed by
 * editing the weights and scoring every block at a = 1; the weights are put back afterwards.
 */
function lossWithFactors({ params, task }: Setup, factors: readonly number[]): number {
  const names = factors.flatMap((_, i) => [`blocks.${i}.mlp.out.w`, `blocks.${i}.mlp.out.b`]);
  const saved = names.map((name) => tf.clone(params.get(name)));
  try {
    factors.forEach((factor, i) => {
      for (const part of ['w', 'b']) {
        const variable = params.get(`blocks.${i}.mlp.out.${part}`);
        variable.assign(tf.mul(variable, factor));
      }
    });
    const batches = task.heldOutBatches(HELD_OUT_BATCHES);
    const full = firstBlocksMask(LAYERS, LAYERS);
    const losses = batches.map((batch) => tf.tidy(() => task.loss(batch, full).dataSync()[0]!));
    for (const batch of batches) batch.dispose();
    return losses.reduce((a, b) => a + b, 0) / losses.length;
  } finally {
    names.forEach((name, i) => params.get(name).assign(saved[i]!));
    for (const tensor of saved) tensor.dispose();
  }
}

const value = (results: ReadonlyArray<{ name: string; value: number }>, name: string) =>
  results.find((r) => r.name === name)!.value;

beforeAll(() => selectBackend('wasm'));

describe('drop losses against weight surgery', () => {
  for (const [policy, a] of [
    [{ kind: 'full' }, 1],
    // RaPTr scales the other blocks by sqrt(L / (L - 1)) when one of L is missing.
    [{ kind: 'raptr', schedule: { label: '2-3-4' }, scale: 'sqrt' }, Math.sqrt(LAYERS / (LAYERS - 1))],
    [{ kind: 'raptr', schedule: { label: '2-3-4' }, scale: 'linear' }, LAYERS / (LAYERS - 1)],
  ] as const) {
    it(`${JSON.stringify(policy)}: block i's drop is the loss with it zeroed and the rest scaled by ${a.toFixed(4)}, minus the full loss`, async () => {
      const setup = setUp(tinyConfig(policy));
      try {
        const { results } = await setup.monitor.measure(3, new StageSchedule(setup.config).stages);
        const full = lossWithFactors(setup, [1, 1, 1, 1]);
        expect(value(results, STABILITY_KEYS.fullLoss)).toBeCloseTo(full, 5);
        for (let block = 0; block < LAYERS; block++) {
          const factors = Array.from({ length: LAYERS }, (_, i) => (i === block ? 0 : a));
          const drop = lossWithFactors(setup, factors) - full;
          expect(Math.abs(drop)).toBeGreaterThan(1e-4); // a real difference, not two zeros
          expect(value(results, dropBlockKey(block))).toBeCloseTo(drop, 4);
        }
      } finally {
        setup.monitor.dispose();
        setup.params.dispose();
      }
    });
  }
});

describe('the forecast against the exact expectation', () => {
  // 2-3-4 on 4 blocks with the first and last fixed: stage 1 runs blocks {0, 3} only (p = 0), stage 2 adds
  // each of blocks 1 and 2 with p = 1/2. Bernoulli sampling, a = sqrt(L / k) for the k blocks drawn.
  const subsets = [[], [1], [2], [1, 2]];
  const factorsOf = (free: number[]) => {
    const on = [0, 3, ...free];
    const a = Math.sqrt(LAYERS / on.length);
    return Array.from({ length: LAYERS }, (_, i) => (on.includes(i) ? a : 0));
  };

  it("stage 1's loss is exactly that of its one subnetwork; stage 2's is the mean over its four, within sampling error", async () => {
    const masks = 400;
    const setup = setUp(tinyConfig({ kind: 'raptr', schedule: { label: '2-3-4' } }, masks));
    try {
      const stages = new StageSchedule(setup.config).stages;
      expect(stages.map((s) => s.p)).toEqual([0, 0.5, 1]);
      const { results, forecast } = await setup.monitor.measure(3, stages);

      expect(forecast!.stageLoss).toBeCloseTo(lossWithFactors(setup, factorsOf([])), 5);

      const losses = subsets.map((free) => lossWithFactors(setup, factorsOf(free)));
      const expected = losses.reduce((a, b) => a + b, 0) / losses.length;
      const sd = Math.sqrt(losses.reduce((s, l) => s + (l - expected) ** 2, 0) / losses.length);
      // The monitor's estimate is a mean over `masks` draws: within 4 standard errors of the expectation.
      expect(Math.abs(forecast!.nextLoss - expected)).toBeLessThan((4 * sd) / Math.sqrt(masks));
      expect(sd).toBeGreaterThan(1e-3); // the four subnetworks differ: the check above has teeth

      expect(value(results, STABILITY_KEYS.nextStageGap)).toBeCloseTo(
        forecast!.nextLoss - forecast!.stageLoss,
        6,
      );
      expect(forecast!.step).toBe(3);
    } finally {
      setup.monitor.dispose();
      setup.params.dispose();
    }
  });

  it('in the last stage forecasts nothing but still measures every drop', async () => {
    const setup = setUp(tinyConfig({ kind: 'raptr', schedule: { label: '2-3-4' } }));
    try {
      const { results, forecast } = await setup.monitor.measure(29, new StageSchedule(setup.config).stages);
      expect(forecast).toBeNull();
      expect(results.map((r) => r.name)).toEqual([
        STABILITY_KEYS.fullLoss,
        ...[0, 1, 2, 3].map(dropBlockKey),
      ]);
    } finally {
      setup.monitor.dispose();
      setup.params.dispose();
    }
  });
});

afterAll(() => tf.disposeVariables());
