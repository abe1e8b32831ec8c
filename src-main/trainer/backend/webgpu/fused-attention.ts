// Multi-head attention core, softmax(Q K^T / sqrt(dh)) V on the projections' own layout [batch * S, d],
// and its gradient. Forward: a workgroup per (sequence, head, query) keeps that query's row of scores in
// workgroup memory, writes its probabilities (saved for the backward pass) and its context. Backward:
// a workgroup per query row gives dq and the score gradients ds; a workgroup per key row gives dk and dv.
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll } from '../fused-common.js';
import { dispatch, MAIN, makeOutput, webgpuBackend, WORKGROUP_SUM, type GpuKernel } from './gpu-kernel.js';

interface AttentionAttrs {
  batch: number;
  heads: number;
}

const WG = 64;

/** Index names shared by the kernels: this workgroup's sequence bb, head h and row i (query or key). */
const ROW_INDEX = `
  let i = group % S;
  let bh = group / S;
  let h = bh % p.heads;
  let bb = bh / p.heads;
  let d = p.heads * p.dh;
  let rowBase = (bb * S + i) * d + h * p.dh;
  let probBase = group * S;`;

/** Offset of sequence position t's head slice in a [batch * S, d] tensor. */
const AT = 'fn at(bb: u32, t: u32, h: u32) -> u32 { return (bb * S + t) * p.heads * p.dh + h * p.dh; }';

const cache = new Map<string, GpuKernel>();

function kernel(name: string, S: number, make: () => Omit<GpuKernel, 'name' | 'workgroupSize'>): GpuKernel {
  const key = `${name}/S=${S}`;
  let k = cache.get(key);
  if (!k) cache.set(key, (k = { name: key, workgroupSize: WG, ...make() }));
  return k;
}

const forward = (S: number) =>
  kernel('raptr-attention', S, () => ({
    inputs: ['q: f32', 'k: f32', 'v: f32'],
    outputs: ['context: f32', 'probs: f32'],
    params: ['heads: u32', 'dh: u32', 'scale: f32'],
    body: `const S: u32 = ${S}u;
var<workgroup> row: array<f32, S>;
${WORKGROUP_SUM}
${AT}
${MAIN}
  ${ROW_INDEX}
  var localMax = -3.4028234663852886e38;
  for (var j = lid; j < S; j += WG) {
    let kj = at(bb, j, h);
    var dot = 0.0;
    for (var c = 0u; c < p.dh; c++) { dot += q[rowBase + c] * k[kj + c]; }
    let s = dot * p.scale;
    row[j] = s;
    localMax = max(localMax, s);
  }
  let top = workgroupMax(localMax, lid);
  var local = 0.0;
  for (var j = lid; j < S; j += WG) { let e = exp(row[j] - top); row[j] = e; local += e; }
  let total = workgroupSum(local, lid);
  for (var j = lid; j < S; j += WG) { let pr = row[j] / total; row[j] = pr; probs[probBase + j] = pr; }
  workgroupBarrier();
  for (var c = lid; c < p.dh; c += WG) {
    var acc = 0.0;
    for (var j = 0u; j < S; j++) { acc += row[j] * v[at(bb, j, h) + c]; }
    context[rowBase + c] = acc;
  }
}`,
  }));

/** Per query row: dp = dy . v_j, ds = p (dp - sum_j p dp), dq = scale ds K. */
const backwardQueries = (S: number) =>
  kernel('raptr-attention-grad-q', S, () => ({
    inputs: ['k: f32', 'v: f32', 'probs: f32', 'dy: f32'],
    outputs: ['dq: f32', 'ds: f32'],
    params: ['heads: u32', 'dh: u32', 'scale: f32'],
    body: `const S: u32 = ${S}u;
var<workgroup> row: array<f32, S>;
${WORKGROUP_SUM}
${AT}
${MAIN}
  ${ROW_INDEX}
  var local = 0.0;
  for (var j = lid; j < S; j += WG) {
    let vj = at(bb, j, h);
    var dp = 0.0;
    for (var c = 0u; c < p.dh; c++) { dp += dy[rowBase + c] * v[vj + c]; }
    row[j] = dp;
    local += probs[probBase + j] * dp;
  }
  let rowDot = workgroupSum(local, lid);
  for (var j = lid; j < S; j += WG) {
    let g = probs[probBase + j] * (row[j] - rowDot);
    row[j] = g;
    ds[probBase + j] = g;
  }
  workgroupBarrier();
  for (var c = lid; c < p.dh; c += WG) {
    var acc = 0.0;
    for (var j = 0u; j < S; j++) { acc += row[j] * k[at(bb, j, h) + c]; }
    dq[rowBase + c] = acc * p.scale;
  }
}`,
  }));

/** Per key row j: dk = scale sum_i ds_ij q_i, dv = sum_i p_ij dy_i. */
const backwardKeys = (S: number) =>
  kernel('raptr-attention-grad-kv', S, () => ({
    inputs: ['q: f32', 'probs: f32', 'dy: f32', 'ds: f32'],
    outputs: ['dk: f32', 'dv: f32'],
    params: ['heads: u32', 'dh: u32', 'scale: f32'],
    body: `const S: u32 = ${S}u;
${AT}
${MAIN}
  ${ROW_INDEX}
  let column = bh * S * S + i;
  for (var c = lid; c < p.dh; c += WG) {
    var accK = 0.0;
    var accV = 0.0;
    for (var t = 0u; t < S; t++) {
      let at_t = at(bb, t, h) + c;
      accK += ds[column + t * S] * q[at_t];
      accV += probs[column + t * S] * dy[at_t];
    }
    dk[rowBase + c] = accK * p.scale;
    dv[rowBase + c] = accV;
  }
}`,
  }));

/** Sequence length, head size and scale for projections [batch * S, d]. */
function dims(q: TensorInfo, { batch, heads }: AttentionAttrs) {
  const [rows, d] = q.shape as [number, number];
  if (q.shape.length !== 2 || rows % batch !== 0 || d % heads !== 0)
    throw new Error(`${FUSED.attention}: q ${JSON.stringify(q.shape)} is not [batch * seq, heads * size]`);
  const S = rows / batch;
  const dh = d / heads;
  // The scores of one query row sit in workgroup memory (16 KiB guaranteed by WebGPU).
  if (S > 3072) throw new Error(`${FUSED.attention}: sequences of ${S} are longer than 3072`);
  return { S, params: [heads, dh, 1 / Math.sqrt(dh)] };
}

export function registerAttention(): void {
  registerAll('webgpu', {
    [FUSED.attention]: ({ inputs, backend, attrs }) => {
      const { q, k, v } = inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo };
      float32(FUSED.attention, q, k, v);
      const a = attrs as unknown as AttentionAttrs;
      const { S, params } = dims(q, a);
      if (k.shape.join() !== q.shape.join() || v.shape.join() !== q.shape.join())
        throw new Error(`${FUSED.attention}: q, k and v shapes differ`);
      const b = webgpuBackend(backend);
      const context = makeOutput(b, q.shape);
      const probs = makeOutput(b, [a.batch, a.heads, S, S]);
      dispatch(b, forward(S), [q, k, v], [context, probs], params, a.batch * a.heads * S);
      return [context, probs];
    },
    [FUSED.attentionGrad]: ({ inputs, backend, attrs }) => {
      const { q, k, v, probs, dy } = inputs as Record<string, TensorInfo>;
      float32(FUSED.attentionGrad, q!, k!, v!, probs!, dy!);
      const a = attrs as unknown as AttentionAttrs;
      const { S, params } = dims(q!, a);
      const b = webgpuBackend(backend);
      const [dq, dk, dv] = [0, 1, 2].map(() => makeOutput(b, q!.shape)) as TensorInfo[];
      const ds = makeOutput(b, probs!.shape);
      const rows = a.batch * a.heads * S;
      dispatch(b, backwardQueries(S), [k!, v!, probs!, dy!], [dq!, ds], params, rows);
      dispatch(b, backwardKeys(S), [q!, probs!, dy!, ds], [dk!, dv!], params, rows);
      b.disposeData(ds.dataId);
      return [dq!, dk!, dv!];
    },
  });
}
