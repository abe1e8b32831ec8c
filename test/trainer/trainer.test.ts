// The engine's promises: loss falls; a bypassed block is not touched; Adam state stays with its variable;
// tensors do not leak; the same seed gives the same run.
import { beforeAll, describe, expect, test } from 'vitest';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { selectBackend } from '../../src-main/trainer/backend/select-backend.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import { AdamW } from '../../src-main/trainer/optim/adamw.js';
import type { StepMask } from '../../src-main/trainer/subnet/index.js';
import { createPolynomialTask } from '../../src-main/trainer/tasks/polynomial.js';
import { tf } from '../../src-main/trainer/tf.js';
import { trainOnBatch } from '../../src-main/trainer/train-loop.js';
import { trainInNode } from '../../src-main/trainer/node-engine.js';
import { requireAdapter, skipWebgpu } from './backend/webgpu-adapter.js';

const tiny = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  optimizer: { lr: 3e-3, warmupSteps: 5, weightDecay: 0.01 },
  training: { batchSize: 64, steps: 60, evalEvery: 0, seed: 3, backend: 'wasm' },
};

function setup(overrides: Record<string, unknown> = {}) {
  const config = mustParseRunConfig({ ...tiny, policy: { kind: 'full' }, ...overrides });
  if (config.task.kind !== 'polynomial') throw new Error('polynomial expected');
  const params = new ParameterSet(Rng.stream(config.training.seed, 'init'));
  const task = createPolynomialTask(
    config.task,
    config.model,
    config.training.batchSize,
    config.training.seed,
    params,
  );
  const optimizer = new AdamW(params, config.optimizer);
  return { config, params, task, optimizer };
}

function maskOf(active: boolean[], scale = 1): StepMask {
  const count = active.filter(Boolean).length;
  return { depth: active.length, active, scales: active.map(() => scale), activeCount: count, scale };
}

const blockValues = (params: ParameterSet, block: number) =>
  Promise.all(params.inGroup(`block.${block}`).map(async (p) => Float32Array.from(await p.variable.data())));

async function runTrain(config: unknown): Promise<TrainerMessage[]> {
  const messages: TrainerMessage[] = [];
  await trainInNode(config, {
    emit: (m) => messages.push(m),
    control: { stopRequested: () => false, checkpointRequested: () => false },
    resume: null,
    outDir: null,
    cacheDir: '/tmp',
  });
  return messages;
}

// wasm and webgpu run their in-place optimizers; cpu runs the same update as tf ops.
const backends = [
  { backend: 'wasm', skip: false },
  { backend: 'cpu', skip: false },
  { backend: 'webgpu', skip: skipWebgpu },
] as const;

describe.each(backends)('training engine on $backend', ({ backend, skip }) => {
  const it = skip ? test.skip : test;
  beforeAll(async () => {
    if (skip) return;
    if (backend === 'webgpu') requireAdapter();
    await selectBackend(backend);
    tiny.training.backend = backend;
  });

  it('lowers the loss with RaPTr over three stages, and spends fewer FLOPs than full training', async () => {
    const messages = await runTrain({
      ...tiny,
      policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
      training: { ...tiny.training, steps: 150 },
    });
    const losses = messages.flatMap((m) => (m.type === 'step' ? [m.loss] : []));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(losses).toHaveLength(150);
    expect(mean(losses.slice(-20))).toBeLessThan(0.5 * mean(losses.slice(0, 20)));
    expect(messages.filter((m) => m.type === 'stage')).toHaveLength(3);
    const done = messages.find((m) => m.type === 'done');
    expect(done?.type === 'done' && done.cumFlops < done.cumFullFlops).toBe(true);
    const evals = messages.filter((m) => m.type === 'eval');
    expect(evals.map((m) => m.type === 'eval' && m.reason)).toEqual(['stage-end', 'stage-end', 'final']);
  });

  it('leaves a bypassed block bit-identical (skippedGrad none) while active blocks move', async () => {
    const { params, task, optimizer } = setup();
    const before1 = await blockValues(params, 1);
    const before2 = await blockValues(params, 2);
    const batch = task.nextBatch();
    await trainOnBatch(task, params, optimizer, batch, maskOf([true, true, false, true], 1.3), 1e-2, false);
    batch.dispose();
    expect(await blockValues(params, 2)).toEqual(before2);
    expect(await blockValues(params, 1)).not.toEqual(before1);
    expect(optimizer.moments(params.inGroup('block.2')[0]!.name).step).toBe(0);
  });

  it('moves a bypassed block through Adam momentum when skippedGrad is zero', async () => {
    const { params, task, optimizer } = setup();
    const all = maskOf([true, true, true, true]);
    const first = task.nextBatch();
    await trainOnBatch(task, params, optimizer, first, all, 1e-2, true);
    first.dispose();
    const before2 = await blockValues(params, 2);
    const second = task.nextBatch();
    await trainOnBatch(task, params, optimizer, second, maskOf([true, true, false, true]), 1e-2, true);
    second.dispose();
    expect(await blockValues(params, 2)).not.toEqual(before2);
    expect(optimizer.moments(params.inGroup('block.2')[0]!.name).step).toBe(2);
  });

  it('keeps Adam moments with their own variable when the active set changes', async () => {
    const { config, params, task, optimizer } = setup();
    const { beta1: b1, beta2: b2 } = config.optimizer;
    // Reference AdamW moments in plain JavaScript, keyed by name, from gradients taken with the full
    // variable list (bypassed blocks simply have none).
    const reference = new Map<string, { m: Float64Array; v: Float64Array }>();
    const masks = [
      [true, true, false, true],
      [true, false, true, true],
      [true, true, true, true],
      [true, false, false, true],
    ].map((a) => maskOf(a, 1.2));
    for (const mask of masks) {
      const batch = task.nextBatch();
      const { value, grads } = tf.variableGrads(
        () => task.loss(batch, mask) as tf.Scalar,
        params.all().map((p) => p.variable),
      );
      let normSq = 0;
      for (const g of Object.values(grads)) normSq += (await g.square().sum().data())[0]!;
      const clip = Math.min(1, config.optimizer.gradClip / (Math.sqrt(normSq) + 1e-6));
      for (const [variableName, g] of Object.entries(grads)) {
        const name = params.nameOf(variableName);
        const values = await g.data();
        const state = reference.get(name) ?? {
          m: new Float64Array(values.length),
          v: new Float64Array(values.length),
        };
        values.forEach((x, i) => {
          const gi = x * (Math.sqrt(normSq) > config.optimizer.gradClip ? clip : 1);
          state.m[i] = b1 * state.m[i]! + (1 - b1) * gi;
          state.v[i] = b2 * state.v[i]! + (1 - b2) * gi * gi;
        });
        reference.set(name, state);
      }
      tf.dispose([value, ...Object.values(grads)]);
      await trainOnBatch(task, params, optimizer, batch, mask, 1e-2, false);
      batch.dispose();
    }
    // Blocks 1 and 2 have the same shapes and were active on different steps.
    for (const block of [1, 2]) {
      for (const p of params.inGroup(`block.${block}`)) {
        const ours = optimizer.moments(p.name);
        const ref = reference.get(p.name)!;
        expect(ours.step).toBe(2); // each block ran on two of the four steps
        const m = await ours.m.data();
        const v = await ours.v.data();
        m.forEach((x, i) => expect(x).toBeCloseTo(ref.m[i]!, 5));
        v.forEach((x, i) => expect(x).toBeCloseTo(ref.v[i]!, 7));
      }
    }
  });

  it('keeps the tensor count (and GPU memory) flat over 100 steps with changing masks', async () => {
    const { params, task, optimizer } = setup();
    const rng = Rng.stream(1, 'masks');
    const step = async () => {
      const mask = maskOf([true, rng.bernoulli(0.5), rng.bernoulli(0.5), true], 1.1);
      const batch = task.nextBatch();
      await trainOnBatch(task, params, optimizer, batch, mask, 1e-3, false);
      batch.dispose();
    };
    for (let i = 0; i < 3; i++) await step();
    const before = tf.memory();
    for (let i = 0; i < 100; i++) await step();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    // The GPU backend's own count of bytes in use (buffers of live tensors), where it keeps one.
    const gpuBytes = (m: tf.MemoryInfo) => (m as { numBytesInGPU?: number }).numBytesInGPU;
    expect(gpuBytes(tf.memory())).toBe(gpuBytes(before));
    const evalBefore = tf.memory().numTensors;
    await task.evaluate(maskOf([true, true, true, true]), 'final');
    expect(tf.memory().numTensors).toBe(evalBefore);
  });

  it('gives an identical loss sequence for the same config and seed', async () => {
    const config = {
      ...tiny,
      policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
      training: { ...tiny.training, steps: 30 },
    };
    const losses = async () => (await runTrain(config)).flatMap((m) => (m.type === 'step' ? [m.loss] : []));
    const first = await losses();
    expect(await losses()).toEqual(first);
    const other = await runTrain({ ...config, training: { ...config.training, seed: 4 } });
    expect(other.flatMap((m) => (m.type === 'step' ? [m.loss] : []))).not.toEqual(first);
  });

  it('grows the model by copying the top block under gradual stacking', async () => {
    const messages = await runTrain({
      ...tiny,
      policy: { kind: 'stacking', label: '2-3-4' },
      training: { ...tiny.training, steps: 30 },
    });
    const masks = messages.flatMap((m) => (m.type === 'step' ? [m.mask] : []));
    expect(masks[0]).toBe('11--');
    expect(masks[12]).toBe('111-');
    expect(masks[29]).toBe('1111');
    expect(messages.at(-1)?.type).toBe('done');
  });
});
