// LayerNorm over the last axis and its gradient: a workgroup per row (two passes, as tf.moments), and for
// the gains' gradients a workgroup per 64 columns summing down the rows.
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, rowsOf, size } from '../fused-common.js';
import { dispatch, MAIN, makeOutput, webgpuBackend, WORKGROUP_SUM, type GpuKernel } from './gpu-kernel.js';

const ROW_WG = 64;

/** Mean and 1 / sqrt(variance + eps) of the row at `base`, as `mean` and `rstd`. */
const ROW_STATS = `
  let base = row * p.cols;
  var s = 0.0;
  for (var j = lid; j < p.cols; j += WG) { s += x[base + j]; }
  let mean = workgroupSum(s, lid) / f32(p.cols);
  var q = 0.0;
  for (var j = lid; j < p.cols; j += WG) { let d = x[base + j] - mean; q += d * d; }
  let rstd = inverseSqrt(workgroupSum(q, lid) / f32(p.cols) + p.eps);`;

const layerNorm: GpuKernel = {
  name: 'raptr-layer-norm',
  inputs: ['x: f32', 'gamma: f32', 'beta: f32'],
  outputs: ['y: f32'],
  params: ['rows: u32', 'cols: u32', 'eps: f32'],
  workgroupSize: ROW_WG,
  body: `${WORKGROUP_SUM}
${MAIN}
  let row = group;
  if (row >= p.rows) { return; }
  ${ROW_STATS}
  for (var j = lid; j < p.cols; j += WG) {
    y[base + j] = (x[base + j] - mean) * rstd * gamma[j] + beta[j];
  }
}`,
};

/** dx = rstd (g - mean(g) - xhat mean(g xhat)) with g = dy gamma; keeps each row's mean and rstd. */
const layerNormGradRows: GpuKernel = {
  name: 'raptr-layer-norm-grad-rows',
  inputs: ['x: f32', 'gamma: f32', 'dy: f32'],
  outputs: ['dx: f32', 'stats: f32'],
  params: ['rows: u32', 'cols: u32', 'eps: f32'],
  workgroupSize: ROW_WG,
  body: `${WORKGROUP_SUM}
${MAIN}
  let row = group;
  if (row >= p.rows) { return; }
  ${ROW_STATS}
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = lid; j < p.cols; j += WG) {
    let g = dy[base + j] * gamma[j];
    sg += g;
    sgx += g * ((x[base + j] - mean) * rstd);
  }
  let meanG = workgroupSum(sg, lid) / f32(p.cols);
  let meanGX = workgroupSum(sgx, lid) / f32(p.cols);
  for (var j = lid; j < p.cols; j += WG) {
    let xhat = (x[base + j] - mean) * rstd;
    dx[base + j] = (dy[base + j] * gamma[j] - meanG - xhat * meanGX) * rstd;
  }
  if (lid == 0u) {
    stats[2u * row] = mean;
    stats[2u * row + 1u] = rstd;
  }
}`,
};

/** dgamma = sum over rows of dy xhat, dbeta = sum of dy: 64 columns x 4 row lanes per workgroup. */
const layerNormGradColumns: GpuKernel = {
  name: 'raptr-layer-norm-grad-columns',
  inputs: ['x: f32', 'dy: f32', 'stats: f32'],
  outputs: ['dgamma: f32', 'dbeta: f32'],
  params: ['rows: u32', 'cols: u32'],
  workgroupSize: 256,
  body: `
var<workgroup> partG: array<f32, 256>;
var<workgroup> partB: array<f32, 256>;
${MAIN}
  let col = group * 64u + lid % 64u;
  let lane = lid / 64u;
  var a = 0.0;
  var b = 0.0;
  if (col < p.cols) {
    for (var r = lane; r < p.rows; r += 4u) {
      let d = dy[r * p.cols + col];
      a += d * ((x[r * p.cols + col] - stats[2u * r]) * stats[2u * r + 1u]);
      b += d;
    }
  }
  partG[lid] = a;
  partB[lid] = b;
  workgroupBarrier();
  if (lane == 0u && col < p.cols) {
    dgamma[col] = partG[lid] + partG[lid + 64u] + partG[lid + 128u] + partG[lid + 192u];
    dbeta[col] = partB[lid] + partB[lid + 64u] + partB[lid + 128u] + partB[lid + 192u];
  }
}`,
};

export function registerLayerNorm(): void {
  registerAll('webgpu', {
    [FUSED.layerNorm]: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
      float32(FUSED.layerNorm, x, gamma, beta);
      const cols = size(gamma.shape);
      const rows = rowsOf(FUSED.layerNorm, x, cols);
      if (size(beta.shape) !== cols) throw new Error(`${FUSED.layerNorm}: gamma and beta sizes differ`);
      const b = webgpuBackend(backend);
      const y = makeOutput(b, x.shape);
      dispatch(b, layerNorm, [x, gamma, beta], [y], [rows, cols, (attrs as { eps: number }).eps], rows);
      return y;
    },
    [FUSED.layerNormGrad]: ({ inputs, backend, attrs }) => {
      const { x, gamma, dy } = inputs as { x: TensorInfo; gamma: TensorInfo; dy: TensorInfo };
      float32(FUSED.layerNormGrad, x, gamma, dy);
      const cols = size(gamma.shape);
      const rows = rowsOf(FUSED.layerNormGrad, x, cols);
      const b = webgpuBackend(backend);
      const [dx, stats, dgamma, dbeta] = [x.shape, [rows, 2], gamma.shape, gamma.shape].map((shape) =>
        makeOutput(b, shape),
      ) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
      const { eps } = attrs as { eps: number };
      dispatch(b, layerNormGradRows, [x, gamma, dy], [dx, stats], [rows, cols, eps], rows);
      dispatch(b, layerNormGradColumns, [x, dy, stats], [dgamma, dbeta], [rows, cols], Math.ceil(cols / 64));
      b.disposeData(stats.dataId);
      return [dx, dgamma, dbeta];
    },
  });
}
