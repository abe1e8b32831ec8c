// GELU (tanh form, as model/layers.ts writes it: x * sigmoid(2c(x + 0.044715 x^3))), its gradient, and
// the residual y + a * branch: one thread per element.
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, size } from '../fused-common.js';
import { dispatch, groupsFor, MAIN, makeOutput, webgpuBackend, type GpuKernel } from './gpu-kernel.js';

const WG = 256;

const GELU_CONSTANTS = `
const A: f32 = 0.044715;
const C: f32 = 1.5957691216057308; // 2 sqrt(2 / pi)
fn inner(x: f32) -> f32 { return (x + x * x * x * A) * C; }`;

const gelu: GpuKernel = {
  name: 'raptr-gelu',
  inputs: ['x: f32'],
  outputs: ['y: f32'],
  params: ['n: u32'],
  workgroupSize: WG,
  body: `${GELU_CONSTANTS}
${MAIN}
  let i = group * WG + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  y[i] = v * (1.0 / (1.0 + exp(-inner(v))));
}`,
};

// d/dx = s + x s (1 - s) u'(x), with 1 - s = e s for e = exp(-u): no cancellation near s = 1. u is
// clamped for e so that e s stays finite where exp(-u) would overflow (s is 0 there anyway).
const geluGrad: GpuKernel = {
  name: 'raptr-gelu-grad',
  inputs: ['x: f32', 'dy: f32'],
  outputs: ['dx: f32'],
  params: ['n: u32'],
  workgroupSize: WG,
  body: `${GELU_CONSTANTS}
${MAIN}
  let i = group * WG + lid;
  if (i >= p.n) { return; }
  let v = x[i];
  let e = exp(-clamp(inner(v), -80.0, 80.0));
  let s = 1.0 / (1.0 + e);
  let slope = C * (1.0 + v * v * (3.0 * A));
  dx[i] = dy[i] * (s + v * (s * (e * s)) * slope);
}`,
};

const residual: GpuKernel = {
  name: 'raptr-residual',
  inputs: ['y: f32', 'branch: f32'],
  outputs: ['out: f32'],
  params: ['n: u32', 'scale: f32'],
  workgroupSize: WG,
  body: `${MAIN}
  let i = group * WG + lid;
  if (i >= p.n) { return; }
  out[i] = y[i] + branch[i] * p.scale;
}`,
};

function elementwise(k: GpuKernel, backend: unknown, inputs: TensorInfo[], extra: number[] = []) {
  const b = webgpuBackend(backend);
  const n = size(inputs[0]!.shape);
  const out = makeOutput(b, inputs[0]!.shape);
  dispatch(b, k, inputs, [out], [n, ...extra], groupsFor(n, WG));
  return out;
}

export function registerPointwise(): void {
  registerAll('webgpu', {
    [FUSED.gelu]: ({ inputs, backend }) => {
      const x = inputs.x as TensorInfo;
      float32(FUSED.gelu, x);
      return elementwise(gelu, backend, [x]);
    },
    [FUSED.geluGrad]: ({ inputs, backend }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      float32(FUSED.geluGrad, x, dy);
      return elementwise(geluGrad, backend, [x, dy]);
    },
    [FUSED.residual]: ({ inputs, backend, attrs }) => {
      const { y, branch } = inputs as { y: TensorInfo; branch: TensorInfo };
      float32(FUSED.residual, y, branch);
      if (y.shape.join() !== branch.shape.join())
        throw new Error(`${FUSED.residual}: shapes ${y.shape} and ${branch.shape} differ`);
      return elementwise(residual, backend, [y, branch], [(attrs as { scale: number }).scale]);
    },
  });
}
