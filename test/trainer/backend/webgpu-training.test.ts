// The engine on webgpu (a software adapter in CI) against the cpu backend: losses and gradients within
// 1e-5 relative for pre-LN and post-LN BERT and the polynomial MLP, with a different mask every step;
// exact resume; a checkpoint that outlives a lost device; a model too large for the adapter refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { mustParseRunConfig } from '../../../shared/config/validate.js';
import { Rng } from '../../../shared/rng.js';
import type { TrainerMessage } from '../../../shared/trainer-protocol.js';
import { runGuarded } from '../../../src-main/trainer/backend/device-guard.js';
import { selectBackend } from '../../../src-main/trainer/backend/select-backend.js';
import { ParameterSet } from '../../../src-main/trainer/model/params.js';
import { BertEncoder } from '../../../src-main/trainer/model/transformer.js';
import { ResidualMlp } from '../../../src-main/trainer/model/residual-mlp.js';
import { AdamW } from '../../../src-main/trainer/optim/adamw.js';
import type { StepMask } from '../../../src-main/trainer/subnet/index.js';
import { tf, type Tensor } from '../../../src-main/trainer/tf.js';
import { trainInNode, type NodeTrainOptions } from '../../../src-main/trainer/node-engine.js';
import { requireAdapter, skipWebgpu } from './webgpu-adapter.js';
import { tinyPolynomial } from '../tiny-polynomial.js';

const it = skipWebgpu ? test.skip : test;

/** Three blocks, a different subset and branch factor every step. */
const MASKS: StepMask[] = [
  [true, true, true],
  [true, false, true],
  [false, true, true],
  [true, true, false],
].map((active) => {
  const count = active.filter(Boolean).length;
  const scale = Math.sqrt(3 / count);
  return { depth: 3, active, scales: active.map(() => scale), activeCount: count, scale };
});

interface StepRecord {
  /** The weights the step started from. */
  weights: Map<string, Float32Array>;
  loss: number;
  grads: Map<string, Float32Array>;
}

type Model = (params: ParameterSet) => (step: number, mask: StepMask) => Tensor;

const bert =
  (norm: 'pre' | 'post'): Model =>
  (params) => {
    const config = mustParseRunConfig({
      model: { layers: 3, dModel: 16, heads: 2, ffDim: 32, seqLen: 8, vocabSize: 64, norm },
    });
    const model = new BertEncoder(config.model, params);
    const batch = 3;
    return (step, mask) => {
      const rng = Rng.stream(step, 'webgpu-test-batch');
      const ids = tf.tensor1d(
        Int32Array.from({ length: batch * 8 }, () => rng.int(64)),
        'int32',
      );
      const positions = tf.tensor1d([1, 4, 9, 15, 22], 'int32');
      const labels = tf.tensor1d(
        Int32Array.from({ length: 5 }, () => rng.int(64)),
        'int32',
      );
      return model.mlmLoss(model.hidden(ids, batch, mask), { positions, labels });
    };
  };

const polynomialMlp: Model = (params) => {
  const net = new ResidualMlp({ inputDim: 6, width: 16, hidden: 24, layers: 3 }, params);
  return (step, mask) => {
    const rng = Rng.stream(step, 'webgpu-test-points');
    const x = tf.tensor2d(
      Float32Array.from({ length: 32 * 6 }, () => (rng.bernoulli(0.5) ? 1 : -1)),
      [32, 6],
    );
    const y = tf.tensor1d(Float32Array.from({ length: 32 }, () => rng.normal()));
    return tf.losses.meanSquaredError(y, net.predict(x, mask));
  };
};

const readAll = (entries: Array<readonly [string, Tensor]>) =>
  Promise.all(entries.map(async ([name, t]) => [name, (await t.data()) as Float32Array] as const)).then(
    (pairs) => new Map(pairs),
  );

/**
 * Steps with AdamW on one backend, recording each step's weights, loss and gradients. With `from`, each
 * step starts from the weights another backend's step started from, so gradients are compared at the
 * same point (AdamW turns rounding-level gradients, such as the key bias's, which is zero in exact
 * arithmetic, into full-size steps, so free trajectories part at the noise level).
 */
async function trainSteps(
  backend: 'cpu' | 'webgpu',
  model: Model,
  from?: StepRecord[],
): Promise<StepRecord[]> {
  await selectBackend(backend);
  const params = new ParameterSet(Rng.stream(5, 'init'));
  const loss = model(params);
  const optimizer = new AdamW(params, mustParseRunConfig({}).optimizer);
  const records: StepRecord[] = [];
  try {
    for (let step = 0; step < 8; step++) {
      const start = from?.[step]?.weights;
      if (start) {
        const values = new Map([...start].map(([name, w]) => [name, tf.tensor(w, params.get(name).shape)]));
        params.load(values);
        tf.dispose([...values.values()]);
      }
      const weights = await readAll(params.all().map((p) => [p.name, p.variable] as const));
      const mask = MASKS[step % MASKS.length]!;
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => loss(step, mask)) as tf.Scalar);
      const named = Object.entries(grads).map(([v, g]) => [params.nameOf(v), g] as const);
      records.push({ weights, loss: (await value.data())[0]!, grads: await readAll(named) });
      optimizer.apply(Object.fromEntries(named), 1e-3);
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    optimizer.dispose();
    params.dispose();
  }
  return records;
}

/**
 * max |a - b| / max |b|, relative to the tensor's scale as in fused-ops.test.ts; a gradient that is zero
 * in exact arithmetic (|b| at rounding level) is measured against `floor`, the step's gradient scale.
 */
function relativeDifference(a: Float32Array, b: Float32Array, floor: number): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / Math.max(scale, floor);
}

const largest = (grads: Map<string, Float32Array>) =>
  Math.max(...[...grads.values()].map((g) => g.reduce((m, x) => Math.max(m, Math.abs(x)), 0)));

beforeAll(() => {
  if (!skipWebgpu) requireAdapter();
});

describe.each([
  ['pre-LN BERT', bert('pre')],
  ['post-LN BERT', bert('post')],
  ['the polynomial residual MLP', polynomialMlp],
])('webgpu against cpu: %s', (_name, model) => {
  it('gives the same losses and gradients step by step, masks changing, within 1e-5', async () => {
    const reference = await trainSteps('cpu', model);
    const gpu = await trainSteps('webgpu', model, reference);
    let worst = 0;
    gpu.forEach((record, step) => {
      const expected = reference[step]!;
      worst = Math.max(worst, Math.abs(record.loss - expected.loss) / Math.abs(expected.loss));
      // The same variables got gradients: those of the blocks that ran.
      expect([...record.grads.keys()].sort()).toEqual([...expected.grads.keys()].sort());
      const floor = 1e-4 * largest(expected.grads);
      for (const [name, g] of record.grads)
        worst = Math.max(worst, relativeDifference(g, expected.grads.get(name)!, floor));
    });
    expect(worst).toBeLessThan(1e-5);
  });
});

const cacheDir = mkdtempSync(join(tmpdir(), 'raptr-cache-'));

const polynomial = tinyPolynomial;

async function run(
  config: unknown,
  options: Partial<NodeTrainOptions> & { afterStep?: (step: number) => void; stopAfter?: number } = {},
) {
  const messages: TrainerMessage[] = [];
  let steps = 0;
  await trainInNode(config, {
    emit: (m) => {
      messages.push(m);
      if (m.type === 'step') {
        steps++;
        options.afterStep?.(steps);
      }
    },
    control: {
      stopRequested: () => options.stopAfter !== undefined && steps >= options.stopAfter,
      checkpointRequested: () => false,
    },
    outDir: options.outDir ?? null,
    resume: options.resume ?? null,
    cacheDir,
    telemetryMs: options.telemetryMs ?? 0,
  });
  return messages;
}

const losses = (messages: TrainerMessage[]) => messages.flatMap((m) => (m.type === 'step' ? [m.loss] : []));
const checkpoints = (messages: TrainerMessage[]) =>
  messages.flatMap((m) => (m.type === 'checkpoint' ? [m] : []));

describe('training runs on webgpu', () => {
  it('records the adapter it trained on, and the GPU memory it holds while training', async () => {
    const messages = await run(
      { ...polynomial, training: { ...polynomial.training, steps: 6 } },
      { telemetryMs: 1 },
    );
    const start = messages.find((m) => m.type === 'start');
    expect(start?.type === 'start' && start.backend).toMatchObject({
      name: 'webgpu',
      adapter: { description: expect.any(String) },
    });
    const gpuMemory = messages.flatMap((m) =>
      m.type === 'system' ? m.metrics.filter((x) => x.name === 'system/gpu_mem_mb').map((x) => x.value) : [],
    );
    expect(gpuMemory.length).toBeGreaterThan(0);
    expect(Math.min(...gpuMemory)).toBeGreaterThan(0);
  });

  it('resumes exactly where a stopped run left off', async () => {
    const alone = await run(polynomial);
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    const first = await run(polynomial, { outDir, stopAfter: 10 });
    const last = checkpoints(first).at(-1)!;
    expect(last.step).toBe(10);
    const resumed = await run(polynomial, { outDir, resume: { path: last.path, sha256: last.sha256 } });
    expect(losses(resumed)).toEqual(losses(alone).slice(10));
  });

  it('refuses a model too large for the adapter before the first step, naming the tensor and the limit', async () => {
    // embed.in.w [1024, 33000] is 129 MiB, above the 128 MiB lavapipe (and most GPUs) allow per buffer.
    const huge = {
      ...polynomial,
      task: { ...polynomial.task, inputDim: 1024 },
      model: { layers: 4, dModel: 33000, ffDim: 8 },
    };
    const messages: TrainerMessage[] = [];
    await expect(
      trainInNode(huge, {
        emit: (m) => messages.push(m),
        control: { stopRequested: () => false, checkpointRequested: () => false },
        outDir: null,
        resume: null,
        cacheDir,
      }),
    ).rejects.toThrow(
      /parameter embed\.in\.w \[1024, 33000\] needs 129 MiB, more than the largest buffer this GPU allows \(\d+ MiB/,
    );
    expect(messages.filter((m) => m.type === 'step')).toEqual([]);
  });

  it('fails a step whose GPU work was rejected, with the reason the device gives', async () => {
    await selectBackend('webgpu');
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    await expect(
      runGuarded(() => {
        device.createBuffer({ size: 2 ** 40, usage: GPUBufferUsage.STORAGE });
        return tf.scalar(1);
      }),
    ).rejects.toThrow(/the GPU \(.*\) (rejected the step|ran out of memory)/);
    // The device survives a rejected command: the next step runs.
    expect(await runGuarded(() => tf.add(tf.scalar(1), tf.scalar(2)))).toEqual(new Float32Array([3]));
  });

  it('fails with the reason when the device is lost, and its last checkpoint resumes on cpu', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    const messages: TrainerMessage[] = [];
    const device = () => (tf.backend() as unknown as { device: GPUDevice }).device;
    await expect(
      trainInNode(polynomial, {
        emit: (m) => {
          messages.push(m);
          // The GPU goes away after step 8 (two checkpoints written).
          if (m.type === 'step' && m.step === 8) device().destroy();
        },
        control: { stopRequested: () => false, checkpointRequested: () => false },
        outDir,
        resume: null,
        cacheDir,
      }),
    ).rejects.toThrow(/was lost mid-run/);
    const last = checkpoints(messages).at(-1)!;
    expect(last.step).toBe(6);
    const onCpu = { ...polynomial, training: { ...polynomial.training, backend: 'cpu' } };
    const resumed = await run(onCpu, { outDir, resume: { path: last.path, sha256: last.sha256 } });
    expect(resumed.at(-1)).toMatchObject({ type: 'done', status: 'completed', step: 24 });
  });
});
