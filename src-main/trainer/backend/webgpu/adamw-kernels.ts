// AdamW in place on the GPU: per variable one dispatch updates the weights and both moments where they
// lie, reading the gradient-clipping factor from a GPU tensor so the step never waits for a readback.
// The clipping factor comes from one sum-of-squares dispatch per gradient and one that turns the sums
// into [norm, factor]. Same arithmetic as the wasm kernel and the tf-op path in optim/adamw.ts.
import { tf, type Tensor, type TensorInfo } from '../../tf.js';
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

const sumSquares: GpuKernel = {
  name: 'raptr-sum-squares',
  inputs: ['g: f32'],
  outputs: ['sums: f32'],
  params: ['n: u32', 'slot: u32'],
  workgroupSize: WG,
  body: `${WORKGROUP_SUM}
${MAIN}
  var s = 0.0;
  for (var i = lid; i < p.n; i += WG) { let x = g[i]; s += x * x; }
  let total = workgroupSum(s, lid);
  if (lid == 0u && group == 0u) { sums[p.slot] = total; }
}`,
};

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

const HYPER = [
  'n: u32',
  'b1: f32',
  'b1c: f32',
  'b2: f32',
  'b2c: f32',
  'eps: f32',
  'decay: f32',
  'stepSize: f32',
  'bc2: f32',
] as const;

const UPDATE = `
  let mi = p.b1 * m[i] + p.b1c * gi;
  let vi = p.b2 * v[i] + p.b2c * (gi * gi);
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] * p.decay - (mi * p.stepSize) / (sqrt(vi / p.bc2) + p.eps);
}`;

const adamw: GpuKernel = {
  name: 'raptr-adamw',
  inputs: ['g: f32', 'clip: f32'],
  outputs: ['param: f32', 'm: f32', 'v: f32'],
  params: HYPER,
  workgroupSize: WG,
  body: `${MAIN}
  let i = group * WG + lid;
  if (i >= p.n) { return; }
  let gi = g[i] * clip[1];${UPDATE}`,
};

/** skippedGrad "zero": a bypassed variable is stepped with a zero gradient (momentum still moves it). */
const adamwZeroGrad: GpuKernel = {
  name: 'raptr-adamw-zero-grad',
  inputs: [],
  outputs: ['param: f32', 'm: f32', 'v: f32'],
  params: HYPER,
  workgroupSize: WG,
  body: `${MAIN}
  let i = group * WG + lid;
  if (i >= p.n) { return; }
  let gi = 0.0;${UPDATE}`,
};

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
  /** Updates the variable and its moments in place; grad null is a zero gradient. */
  update(param: Tensor, grad: Tensor | null, m: Tensor, v: Tensor, clip: Tensor, s: AdamwStep): void;
}

/** The in-place optimizer, while webgpu is the backend. */
export function webgpuOptimizer(): GpuOptimizer | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = webgpuBackend();
  return {
    clipFactor(grads, limit) {
      if (limit <= 0 || grads.length === 0) return tf.tensor1d([0, 1]);
      const sums = makeOutput(b, [grads.length]);
      const clip = makeOutput(b, [2]);
      grads.forEach((g, slot) => dispatch(b, sumSquares, [g], [sums], [g.size, slot], 1));
      dispatch(b, clipFactor, [sums], [clip], [grads.length, limit], 1);
      b.disposeData(sums.dataId);
      return tf.engine().makeTensorFromTensorInfo(clip);
    },
    update(param, grad, m, v, clip, s) {
      const n = size(param.shape);
      const hyper = [
        n,
        s.beta1,
        1 - s.beta1,
        s.beta2,
        1 - s.beta2,
        s.eps,
        1 - s.lr * s.weightDecay,
        s.lr / s.bc1,
        s.bc2,
      ];
      const outputs: TensorInfo[] = [param, m, v];
      if (grad) dispatch(b, adamw, [grad, clip], outputs, hyper, groupsFor(n, WG));
      else dispatch(b, adamwZeroGrad, [], outputs, hyper, groupsFor(n, WG));
    },
  };
}
