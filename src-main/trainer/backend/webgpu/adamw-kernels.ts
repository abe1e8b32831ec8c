// AdamW in place on the GPU: per variable one dispatch updates the weights and both moments where they
// lie, reading the gradient-clipping factor from a GPU tensor so the step never waits for a readback.
// The clipping factor comes from one sum-of-squares dispatch per gradient and one that turns the sums
// into [norm, factor]. Same arithmetic as the wasm kernel and the tf-op path in optim/adamw.ts.
import { tf, type Tensor, type TensorInfo } from '../../tf.js';
import type { AdamwHyper, VariableUpdate } from '../in-place-kernels.js';
import { size } from '../fused-common.js';
import {
  dispatch,
  groupsFor,
  MAIN,
  makeOutput,
  webgpuBackend,
  WORKGROUP_SUM,
  type GpuKernel,
} from './gpu-kernel.js';

const WG = 256;

/**
 * Sums of squares of k gradients in one dispatch, one workgroup each (a binding cannot be chosen by
 * index in WGSL, so a switch picks it), written to sums[first + j].
 */
function sumSquares(k: number): GpuKernel {
  const cases = Array.from(
    { length: k },
    (_, j) => `case ${j}u: { for (var i = lid; i < p.n${j}; i += WG) { let x = g${j}[i]; s += x * x; } }`,
  );
  return {
    name: `raptr-sum-squares-x${k}`,
    inputs: Array.from({ length: k }, (_, j) => `g${j}: f32`),
    outputs: ['sums: f32'],
    params: ['first: u32', ...Array.from({ length: k }, (_, j) => `n${j}: u32` as const)],
    workgroupSize: WG,
    body: `${WORKGROUP_SUM}
${MAIN}
  var s = 0.0;
  switch group {
    ${cases.join('\n    ')}
    default: {}
  }
  let total = workgroupSum(s, lid);
  if (lid == 0u) { sums[p.first + group] = total; }
}`,
  };
}

/** clip = [norm, factor]: factor = max / (norm + 1e-6) when norm > max, else 1. */
const clipFactor: GpuKernel = {
  name: 'raptr-clip-factor',
  inputs: ['sums: f32'],
  outputs: ['clip: f32'],
  params: ['count: u32', 'limit: f32'],
  workgroupSize: WG,
  body: `${WORKGROUP_SUM}
${MAIN}
  var s = 0.0;
  for (var i = lid; i < p.count; i += WG) { s += sums[i]; }
  let norm = sqrt(workgroupSum(s, lid));
  if (lid == 0u && group == 0u) {
    clip[0] = norm;
    clip[1] = select(1.0, p.limit / (norm + 1e-6), norm > p.limit);
  }
}`,
};

/**
 * AdamW (as the wasm kernel and the tf-op path): with g = grad * clip factor,
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p = p decay - (m stepSize) / (sqrt(v / bc2) + eps)
 * where decay = 1 - lr wd, stepSize = lr / bc1 and bc = 1 - beta^t for the variable's own step count t.
 * k variables per dispatch: one flat index space over them, end[j] marking where variable j ends.
 */
function adamw(k: number, withGrad: boolean): GpuKernel {
  const branch = (j: number) => `${j === 0 ? '' : 'else '}if (i < p.end${j}) {
    let e = i - start${j};
    let gi = ${withGrad ? `g${j}[e] * clip[1]` : '0.0'};
    let mi = p.b1 * m${j}[e] + p.b1c * gi;
    let vi = p.b2 * v${j}[e] + p.b2c * (gi * gi);
    m${j}[e] = mi;
    v${j}[e] = vi;
    w${j}[e] = w${j}[e] * p.decay${j} - (mi * p.stepSize${j}) / (sqrt(vi / p.bc2_${j}) + p.eps);
  }`;
  const range = (j: number) => (j === 0 ? '0u' : `p.end${j - 1}`);
  const per = (j: number) =>
    [`end${j}: u32`, `decay${j}: f32`, `stepSize${j}: f32`, `bc2_${j}: f32`] as const;
  return {
    name: `raptr-adamw-x${k}${withGrad ? '' : '-zero-grad'}`,
    inputs: withGrad ? [...Array.from({ length: k }, (_, j) => `g${j}: f32`), 'clip: f32'] : [],
    outputs: Array.from({ length: k }, (_, j) => [`w${j}: f32`, `m${j}: f32`, `v${j}: f32`]).flat(),
    params: [
      'b1: f32',
      'b1c: f32',
      'b2: f32',
      'b2c: f32',
      'eps: f32',
      ...Array.from({ length: k }, (_, j) => per(j)).flat(),
    ],
    workgroupSize: WG,
    body: `${MAIN}
  let i = group * WG + lid;
  ${Array.from({ length: k }, (_, j) => `let start${j} = ${range(j)};`).join('\n  ')}
  ${Array.from({ length: k }, (_, j) => branch(j)).join(' ')}
}`,
  };
}

export interface AdamwStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Bias corrections 1 - beta^t for this variable's own step count t. */
  bc1: number;
  bc2: number;
}

export interface GpuOptimizer {
  /** [global gradient norm, clipping factor] as a GPU tensor; limit 0 turns clipping off. */
  clipFactor(grads: readonly Tensor[], limit: number): Tensor;
  /** Updates each variable and its moments in place; grad null is a zero gradient. */
  update(updates: readonly VariableUpdate[], clip: Tensor, s: AdamwHyper): void;
}

const cache = new Map<string, GpuKernel>();
const cached = (key: string, make: () => GpuKernel) => {
  let k = cache.get(key);
  if (!k) cache.set(key, (k = make()));
  return k;
};

/** Consecutive groups of at most `size`. */
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The in-place optimizer, while webgpu is the backend. */
export function webgpuOptimizer(): GpuOptimizer | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = webgpuBackend();
  // Each dispatch binds as many tensors as the device allows (one binding is the uniform's).
  const bindings = b.device.limits.maxStorageBuffersPerShaderStage;
  return {
    clipFactor(grads, limit) {
      if (limit <= 0 || grads.length === 0) return tf.tensor1d([0, 1]);
      const sums = makeOutput(b, [grads.length]);
      const clip = makeOutput(b, [2]);
      let first = 0;
      for (const group of chunks(grads, bindings - 1)) {
        const k = cached(`sum${group.length}`, () => sumSquares(group.length));
        dispatch(b, k, group, [sums], [first, ...group.map((g) => g.size)], group.length);
        first += group.length;
      }
      dispatch(b, clipFactor, [sums], [clip], [grads.length, limit], 1);
      b.disposeData(sums.dataId);
      return tf.engine().makeTensorFromTensorInfo(clip);
    },
    update(updates, clip, s) {
      const common = [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.eps];
      for (const withGrad of [true, false]) {
        const todo = updates.filter((u) => (u.grad !== null) === withGrad);
        const perDispatch = withGrad ? Math.floor((bindings - 1) / 4) : Math.floor(bindings / 3);
        for (const group of chunks(todo, Math.max(1, perDispatch))) {
          let end = 0;
          const per = group.flatMap((u) => {
            end += size(u.param.shape);
            return [end, 1 - s.lr * u.weightDecay, s.lr / u.bc1, u.bc2];
          });
          const k = cached(`adamw${group.length}${withGrad}`, () => adamw(group.length, withGrad));
          const inputs = withGrad ? [...group.map((u) => u.grad!), clip] : [];
          const outputs: TensorInfo[] = group.flatMap((u) => [u.param, u.m, u.v]);
          dispatch(b, k, inputs, outputs, [...common, ...per], groupsFor(end, WG));
        }
      }
    },
  };
}
