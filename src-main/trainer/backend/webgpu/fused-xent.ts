// Mean softmax cross-entropy of logits [rows, classes] against int32 labels (the MLM loss) and its
// gradient. Forward: a workgroup per row finds the max and the log-sum-exp (kept as `stats`, the order
// tf.logSoftmax uses), then one workgroup averages the rows' losses. A label outside [0, classes)
// contributes nothing, as on wasm.
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, size } from '../fused-common.js';
import {
  dispatch,
  groupsFor,
  MAIN,
  makeOutput,
  webgpuBackend,
  WORKGROUP_SUM,
  type GpuKernel,
} from './gpu-kernel.js';

const xentRows: GpuKernel = {
  name: 'raptr-xent-rows',
  inputs: ['logits: f32', 'labels: i32'],
  outputs: ['stats: f32', 'rowLoss: f32'],
  params: ['rows: u32', 'cols: u32'],
  workgroupSize: 256,
  body: `${WORKGROUP_SUM}
${MAIN}
  let row = group;
  if (row >= p.rows) { return; }
  let base = row * p.cols;
  var top = -3.4028234663852886e38;
  for (var j = lid; j < p.cols; j += WG) { top = max(top, logits[base + j]); }
  top = workgroupMax(top, lid);
  var s = 0.0;
  for (var j = lid; j < p.cols; j += WG) { s += exp(logits[base + j] - top); }
  let logSum = log(workgroupSum(s, lid));
  if (lid == 0u) {
    stats[2u * row] = top;
    stats[2u * row + 1u] = logSum;
    let label = labels[row];
    var loss = 0.0;
    if (label >= 0 && u32(label) < p.cols) { loss = logSum - (logits[base + u32(label)] - top); }
    rowLoss[row] = loss;
  }
}`,
};

const meanRows: GpuKernel = {
  name: 'raptr-mean-rows',
  inputs: ['rowLoss: f32'],
  outputs: ['loss: f32'],
  params: ['rows: u32'],
  workgroupSize: 256,
  body: `${WORKGROUP_SUM}
${MAIN}
  var s = 0.0;
  for (var r = lid; r < p.rows; r += WG) { s += rowLoss[r]; }
  let total = workgroupSum(s, lid);
  if (lid == 0u) { loss[0] = select(0.0, total / f32(p.rows), p.rows > 0u); }
}`,
};

/** dlogits = scale (softmax(x) - onehot(label)), scale = dy / rows. */
const xentGrad: GpuKernel = {
  name: 'raptr-xent-grad',
  inputs: ['logits: f32', 'labels: i32', 'stats: f32', 'dy: f32'],
  outputs: ['dlogits: f32'],
  params: ['rows: u32', 'cols: u32'],
  workgroupSize: 256,
  body: `${MAIN}
  let i = group * WG + lid;
  if (i >= p.rows * p.cols) { return; }
  let row = i / p.cols;
  let scale = dy[0] / f32(max(p.rows, 1u));
  var g = exp(logits[i] - stats[2u * row] - stats[2u * row + 1u]) * scale;
  if (labels[row] == i32(i - row * p.cols)) { g -= scale; }
  dlogits[i] = g;
}`,
};

export function registerSoftmaxXent(): void {
  registerAll('webgpu', {
    [FUSED.softmaxXent]: ({ inputs, backend }) => {
      const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo };
      float32(FUSED.softmaxXent, logits);
      const [rows, cols] = logits.shape as [number, number];
      if (logits.shape.length !== 2 || labels.dtype !== 'int32' || size(labels.shape) !== rows)
        throw new Error(`${FUSED.softmaxXent}: wants logits [rows, classes] and int32 labels [rows]`);
      const b = webgpuBackend(backend);
      const [loss, stats, rowLoss] = [[], [rows, 2], [rows]].map((s) => makeOutput(b, s)) as TensorInfo[];
      dispatch(b, xentRows, [logits, labels], [stats!, rowLoss!], [rows, cols], rows);
      dispatch(b, meanRows, [rowLoss!], [loss!], [rows], 1);
      b.disposeData(rowLoss!.dataId);
      return [loss!, stats!];
    },
    [FUSED.softmaxXentGrad]: ({ inputs, backend }) => {
      const { logits, labels, stats, dy } = inputs as Record<string, TensorInfo>;
      float32(FUSED.softmaxXentGrad, logits!, stats!, dy!);
      const [rows, cols] = logits!.shape as [number, number];
      const b = webgpuBackend(backend);
      const dlogits = makeOutput(b, logits!.shape);
      dispatch(
        b,
        xentGrad,
        [logits!, labels!, stats!, dy!],
        [dlogits],
        [rows, cols],
        groupsFor(rows * cols, 256),
      );
      return dlogits;
    },
  });
}
