// Threads change which thread computes an element, never how: every split kernel gives the same bits on 1,
// 2 and 3 threads, training gives the same losses (also when the thread count changes mid-run), the heap may
// grow under threaded kernels, a part that fails reports its error, a worker that dies fails the call and
// the run at once with the reason, and no worker outlives its run (completed, stopped, resumed on another
// thread count, or failed).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../shared/rng.js';
import type { TrainerMessage } from '../../../shared/trainer-protocol.js';
import { inPlaceKernels } from '../../../src-main/trainer/backend/in-place-kernels.js';
import { releaseCpuThreads, selectBackend } from '../../../src-main/trainer/backend/select-backend.js';
import type { KernelRunner } from '../../../src-main/trainer/backend/wasm/kernel-runner.js';
import { setWasmThreads } from '../../../src-main/trainer/backend/wasm/wasm-backend.js';
import { wasmKernelRunner } from '../../../src-main/trainer/backend/wasm/wasm-kernels.js';
import {
  attention,
  gelu,
  layerNorm,
  linear,
  meanCrossEntropy,
  residual,
} from '../../../src-main/trainer/model/layers.js';
import { tf } from '../../../src-main/trainer/tf.js';
import { randomTensors } from './random-tensor.js';
import { trainInNode, type NodeTrainOptions } from '../../../src-main/trainer/node-engine.js';
import type { TrainControl } from '../../../src-main/trainer/train-loop.js';

const rng = Rng.stream(5, 'threads-test');
const random = randomTensors(rng);

let runner: KernelRunner;
let defaultMinWork: number;

beforeAll(async () => {
  const info = await selectBackend('wasm', { cpu: { threads: 1 } });
  expect(info.device).toContain('1 thread');
  runner = wasmKernelRunner()!;
  expect(runner.shared).toBe(true);
  // Split every call, however small: odd sizes and tiny parts are where a split would go wrong.
  defaultMinWork = runner.minParallelWork;
  runner.minParallelWork = 0;
});
afterAll(async () => {
  runner.minParallelWork = defaultMinWork;
  await releaseCpuThreads();
});

/** The bits of f's value and of its gradients (for a fixed upstream gradient), on `threads` threads. */
async function bitsOn(threads: number, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  expect(await setWasmThreads(threads)).toContain(`${threads} thread`);
  const split = runner.splitCalls;
  const outputs = tf.tidy(() => {
    const value = f(...inputs);
    const upstream = tf.tensor(
      Float32Array.from({ length: value.size }, (_, i) => Math.cos(i)),
      value.shape,
    );
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), upstream)))(inputs);
    return [value, ...grads];
  });
  const bits = outputs.map((t) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));
  tf.dispose(outputs);
  if (threads > 1) expect(runner.splitCalls).toBeGreaterThan(split);
  return bits;
}

async function expectSameBits(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  const one = await bitsOn(1, f, inputs);
  for (const threads of [2, 3]) expect(await bitsOn(threads, f, inputs)).toEqual(one);
}

describe('kernels split between threads give the same bits', () => {
  it('matMul in every transposed form, with sizes off the 4 x 8 tile, and batched', async () => {
    for (const [M, K, N] of [
      [13, 7, 21],
      [5, 33, 9],
      [64, 300, 40],
      [130, 17, 259],
      [3, 600, 2],
    ] as const)
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = random(ta ? [K, M] : [M, K]);
        const b = random(tb ? [N, K] : [K, N]);
        await expectSameBits((x, y) => tf.matMul(x, y, ta, tb), [a, b]);
      }
    await expectSameBits((x, y) => tf.matMul(x, y), [random([3, 9, 17]), random([3, 17, 10])]);
  });

  it('the fused layers: dense, GELU, residual, LayerNorm, attention and the MLM loss', async () => {
    await expectSameBits(
      (x, w, b) => linear(x, w, b),
      [random([37, 29]), random([29, 45], 0.2), random([45])],
    );
    await expectSameBits((x) => gelu(x), [random([41, 7], 3)]);
    await expectSameBits((y, f) => residual(y, f, Math.SQRT2), [random([9, 13]), random([9, 13])]);
    for (const cols of [128, 7])
      await expectSameBits(
        (x, g, b) => layerNorm(x, g, b),
        [random([33, cols], 2), random([cols]), random([cols])],
      );
    for (const [batch, S, heads, dh] of [
      [3, 13, 3, 5],
      [2, 64, 4, 32],
    ] as const)
      await expectSameBits(
        (q, k, v) => attention(q, k, v, batch, heads),
        [0, 1, 2].map(() => random([batch * S, heads * dh], 2)),
      );
    const labels = tf.tensor1d(
      Int32Array.from({ length: 23 }, () => rng.int(301)),
      'int32',
    );
    await expectSameBits((z) => meanCrossEntropy(z, labels), [random([23, 301], 2)]);
  });

  it('adds (also of a row vector to every row), sums over leading axes, embedding lookups and their gradient', async () => {
    await expectSameBits((a, b) => tf.add(a, b), [random([37, 13]), random([37, 13])]);
    await expectSameBits((a, b) => tf.add(a, b), [random([37, 13]), random([13])]);
    await expectSameBits((x) => tf.sum(x, 0), [random([37, 13])]);
    const ids = tf.tensor1d(
      Int32Array.from({ length: 70 }, () => rng.int(50)),
      'int32',
    );
    await expectSameBits((table) => tf.gather(table, ids), [random([50, 11])]);
  });
});

describe('the optimizer on threads', () => {
  it("gives every variable's sum of squares and AdamW update the same bits on 1, 2 and 3 threads", async () => {
    const heap = inPlaceKernels()!;
    // Sizes off the groups of 4 (tails), smaller than a part, and one variable without a gradient.
    const shapes = [[7], [33, 5], [4], [130, 3], [1], [2, 2]];
    const start = {
      p: shapes.map((s) => random(s)),
      g: shapes.map((s) => random(s, 0.5)),
      m: shapes.map((s) => random(s, 0.1)),
      v: shapes.map((s) => tf.abs(random(s, 0.1))),
    };
    const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const gradScale = 0.7;
    const noGrad = 2;
    const decay = (i: number) => (i % 2 ? 0.01 : 0);
    const on = async (threads: number) => {
      await setWasmThreads(threads);
      const split = runner.splitCalls;
      // Fresh copies: the update works in place.
      const copy = (ts: tf.Tensor[]) => ts.map((t) => tf.tensor(t.dataSync(), t.shape));
      const [p, m, v] = [copy(start.p), copy(start.m), copy(start.v)];
      const sums = heap.sumsOfSquares(start.g);
      heap.adamw(
        p.map((param, i) => ({
          param,
          grad: i === noGrad ? null : start.g[i]!,
          m: m[i]!,
          v: v[i]!,
          weightDecay: decay(i),
          bc1: 0.19,
          bc2: 0.002,
        })),
        gradScale,
        hyper,
      );
      if (threads > 1) expect(runner.splitCalls).toBe(split + 2);
      const values = [...p, ...m, ...v].map((t) => Float32Array.from(t.dataSync()));
      tf.dispose([...p, ...m, ...v]);
      return { sums, values, bits: values.map((x) => Array.from(new Uint32Array(x.buffer))) };
    };
    const one = await on(1);
    for (const threads of [2, 3]) {
      const other = await on(threads);
      expect(other.sums).toEqual(one.sums);
      expect(other.bits).toEqual(one.bits);
    }
    // And it is AdamW: the same arithmetic in float64 agrees to float32 precision.
    start.g.forEach((g, i) =>
      expect(one.sums[i]).toBeCloseTo(
        Array.from(g.dataSync()).reduce((sum, x) => sum + x * x, 0),
        4,
      ),
    );
    start.p.forEach((p0, i) => {
      const [p, g, m, v] = [p0, start.g[i]!, start.m[i]!, start.v[i]!].map((t) => t.dataSync());
      p!.forEach((x, j) => {
        const grad = i === noGrad ? 0 : g![j]! * gradScale;
        const mj = hyper.beta1 * m![j]! + (1 - hyper.beta1) * grad;
        const vj = hyper.beta2 * v![j]! + (1 - hyper.beta2) * grad * grad;
        const next =
          x * (1 - hyper.lr * decay(i)) - ((hyper.lr / 0.19) * mj) / (Math.sqrt(vj / 0.002) + hyper.eps);
        expect(one.values[i]![j]).toBeCloseTo(next, 5);
        expect(one.values[shapes.length + i]![j]).toBeCloseTo(mj, 6);
        expect(one.values[2 * shapes.length + i]![j]).toBeCloseTo(vj, 6);
      });
    });
    tf.dispose([...start.p, ...start.g, ...start.m, ...start.v]);
  });
});

describe('threads at work', () => {
  it('keep working when tfjs grows its heap after they started', async () => {
    await setWasmThreads(2);
    const big = tf.zeros([40_000_000]); // 160 MB: more than the heap had, so it grows
    const x = random([300, 70]);
    const w = random([70, 90]);
    const threaded = tf.matMul(x, w).dataSync();
    await setWasmThreads(1);
    expect(Array.from(tf.matMul(x, w).dataSync())).toEqual(Array.from(threaded));
    tf.dispose([big, x, w]);
  });

  it('report a part that failed on a worker, and go on working', async () => {
    await setWasmThreads(2);
    const heapEnd = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    // A product whose output lies past the end of the heap: every part traps.
    const scratch = heapEnd - 64;
    expect(() =>
      runner.run('gemm', [0, 8, 1, 0, 8, 1, heapEnd + 4096, 8, 8, 8, 8, 1, false, 0, scratch], 2),
    ).toThrow(/out of bounds/);
    const a = random([20, 30]);
    const b = random([30, 10]);
    const threaded = tf.matMul(a, b).dataSync();
    await setWasmThreads(1);
    expect(Array.from(tf.matMul(a, b).dataSync())).toEqual(Array.from(threaded));
  });

  it('fail the call in progress at once, naming the worker, when one dies during it', async () => {
    await setWasmThreads(3);
    // A product that takes a while on every part: the worker is ended while it computes its part. Before
    // the supervisor, the call waited out a 5-minute stall timeout (the test's own timeout is shorter).
    const a = random([1500, 1500]);
    const b = random([1500, 1500]);
    runner.terminateWorker(2);
    expect(() => tf.tidy(() => tf.matMul(a, b).dataSync())).toThrow(
      /kernel thread 2 of 3 exited unexpectedly/,
    );
    // Every later call says the same, rather than waiting for the missing part.
    expect(() => tf.tidy(() => tf.matMul(a, b).dataSync())).toThrow(/kernel thread 2 of 3/);
    // A new pool works, and agrees with one thread.
    const x = random([90, 70]);
    const w = random([70, 50]);
    await setWasmThreads(2);
    const threaded = Array.from(tf.matMul(x, w).dataSync());
    await setWasmThreads(1);
    expect(Array.from(tf.matMul(x, w).dataSync())).toEqual(threaded);
    tf.dispose([a, b, x, w]);
  });

  it('end with their pool: the process is left with the threads it had', async () => {
    await setWasmThreads(1);
    const osThreads = () => (existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : null);
    const before = osThreads();
    await setWasmThreads(4);
    expect(runner.workerCount).toBe(3);
    if (before !== null) expect(osThreads()).toBeGreaterThanOrEqual(before + 3);
    await releaseCpuThreads();
    expect(runner.workerCount).toBe(0);
    if (before !== null) expect(osThreads()).toBe(before);
  });
});

const cacheDir = mkdtempSync(join(tmpdir(), 'raptr-threads-'));

async function losses(
  config: Record<string, unknown>,
  control: Partial<TrainControl> = {},
  disk: Pick<NodeTrainOptions, 'outDir' | 'resume'> = { outDir: null, resume: null },
) {
  const messages: TrainerMessage[] = [];
  await trainInNode(config, {
    emit: (m) => messages.push(m),
    control: { stopRequested: () => false, checkpointRequested: () => false, ...control },
    ...disk,
    cacheDir,
  });
  expect(runner.workerCount).toBe(0); // a run that ended (completed or stopped) leaves no worker behind
  return {
    losses: messages.flatMap((m) => (m.type === 'step' ? [m.loss] : [])),
    devices: messages.flatMap((m) => (m.type === 'start' || m.type === 'backend' ? [m.backend.device] : [])),
    checkpoints: messages.flatMap((m) => (m.type === 'checkpoint' ? [m] : [])),
  };
}

describe('training on threads', () => {
  const polynomial = {
    task: { kind: 'polynomial', inputDim: 12, terms: [{ support: [0] }, { support: [1, 2] }] },
    model: { layers: 4, dModel: 24, ffDim: 40 },
    policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
    optimizer: { lr: 3e-3 },
    training: { batchSize: 32, steps: 30, evalEvery: 0, seed: 9, backend: 'wasm' },
  };
  const withThreads = (config: typeof polynomial, threads: number) => ({
    ...config,
    training: { ...config.training, threads },
  });

  it('gives the same losses on 1 and 2 threads, and when the host changes the count mid-run', async () => {
    const one = await losses(withThreads(polynomial, 1));
    expect(one.devices).toEqual([expect.stringContaining('1 thread)')]);
    const two = await losses(withThreads(polynomial, 2));
    expect(two.devices).toEqual([expect.stringContaining('2 threads')]);
    expect(two.losses).toEqual(one.losses);
    // The run manager's share of the cores: 2 threads, then 3 from step 10, then 1 from step 20.
    let step = 0;
    const shared = await losses(polynomial, {
      threadsGranted: () => (step++ < 10 ? 2 : step <= 20 ? 3 : 1),
    });
    expect(shared.devices.map((d) => /(\d+) threads?/.exec(d)![1])).toEqual(['2', '3', '1']);
    expect(shared.losses).toEqual(one.losses);
  });

  it('stops on 2 threads and resumes on 1 with the losses of an uninterrupted run, leaving no worker', async () => {
    const alone = await losses(withThreads(polynomial, 1));
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-threads-run-'));
    // No training.threads: the host's share decides, as when the run manager stops and resumes a run.
    let steps = 0;
    const first = await losses(
      polynomial,
      { threadsGranted: () => 2, stopRequested: () => steps++ >= 12 },
      { outDir, resume: null },
    );
    expect(first.devices).toEqual([expect.stringContaining('2 threads')]);
    expect(first.losses).toEqual(alone.losses.slice(0, 12));
    const last = first.checkpoints.at(-1)!;
    expect(last.step).toBe(12);
    const resumed = await losses(
      polynomial,
      { threadsGranted: () => 1 },
      { outDir, resume: { path: last.path, sha256: last.sha256 } },
    );
    expect(resumed.devices).toEqual([expect.stringContaining('1 thread)')]);
    expect(resumed.losses).toEqual(alone.losses.slice(12));
  });

  it('leaves no worker behind when a run fails', async () => {
    // A target of 1e30: its squared error overflows float32 at the first step.
    const diverging = {
      ...polynomial,
      task: { ...polynomial.task, terms: [{ coefficient: 1e30, support: [0] }] },
      training: { ...polynomial.training, threads: 3 },
    };
    const devices: string[] = [];
    const run = trainInNode(diverging, {
      emit: (m) => m.type === 'start' && devices.push(m.backend.device),
      control: { stopRequested: () => false, checkpointRequested: () => false },
      resume: null,
      outDir: null,
      cacheDir,
    });
    await expect(run).rejects.toThrow(/the loss became/);
    expect(devices).toEqual([expect.stringContaining('3 threads')]);
    expect(runner.workerCount).toBe(0);
  });

  it('fails a run at once when a worker dies mid-run, with the reason, and the run resumes', async () => {
    const config = { ...polynomial, training: { ...polynomial.training, steps: 80, checkpointEvery: 5 } };
    const alone = await losses(withThreads(config, 2));
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-threads-crash-'));
    const messages: TrainerMessage[] = [];
    let steps = 0;
    const run = trainInNode(config, {
      emit: (m) => messages.push(m),
      control: {
        stopRequested: () => false,
        checkpointRequested: () => false,
        // The host's share, polled before each step; at step 12 a worker dies while the run goes on.
        threadsGranted: () => {
          if (steps++ === 12) runner.terminateWorker(1);
          return 2;
        },
      },
      outDir,
      resume: null,
      cacheDir,
    });
    await expect(run).rejects.toThrow(/kernel thread 1 of 2 exited unexpectedly \(exit code 1\)/);
    expect(runner.workerCount).toBe(0);
    const ran = messages.flatMap((m) => (m.type === 'step' ? [m.loss] : []));
    expect(ran.length).toBeGreaterThanOrEqual(10);
    expect(ran.length).toBeLessThan(80);
    const last = messages.flatMap((m) => (m.type === 'checkpoint' ? [m] : [])).at(-1)!;
    expect(last.step).toBeGreaterThanOrEqual(10);
    const resumed = await losses(
      config,
      { threadsGranted: () => 2 },
      { outDir, resume: { path: last.path, sha256: last.sha256 } },
    );
    expect(resumed.devices).toEqual([expect.stringContaining('2 threads')]);
    expect(resumed.losses).toEqual(alone.losses.slice(last.step));
  });

  it('gives the same masked-language-model losses on 1 and 2 threads', async () => {
    const mlm = {
      task: { kind: 'mlm', tokenizer: { vocabSize: 300 }, evalBatches: 1, probes: { when: 'never' } },
      model: { layers: 2, dModel: 32, heads: 2, ffDim: 64, seqLen: 32 },
      policy: { kind: 'full' },
      training: { batchSize: 8, steps: 8, evalEvery: 0, seed: 2, backend: 'wasm' },
    };
    const one = await losses({ ...mlm, training: { ...mlm.training, threads: 1 } });
    const two = await losses({ ...mlm, training: { ...mlm.training, threads: 2 } });
    expect(two.losses).toEqual(one.losses);
    expect(one.losses.every(Number.isFinite)).toBe(true);
  });
});
