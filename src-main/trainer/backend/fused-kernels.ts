// Fused kernels for the wasm backend, registered under our own names with their gradients, so tfjs's
// autodiff drives them like any op. One pass each replaces ~6-12 tensor ops of the composite GELU,
// LayerNorm and log-softmax loss, and with them most of the copies tfjs makes of tensors it saves for the
// backward pass (every saved tensor is an Identity copy on wasm). The ops that dispatch here, and the
// composite math they must match, are in fused-ops.ts and model/layers.ts.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf, type Tensor, type TensorInfo } from '../tf.js';
import { offset, size } from './heap.js';
import type { RaptrKernels } from './kernel-module.js';

type KernelArgs = Parameters<tf.KernelConfig['kernelFunc']>[0];

export const FUSED = {
  gelu: 'RaptrGelu',
  geluGrad: 'RaptrGeluGrad',
  layerNorm: 'RaptrLayerNorm',
  layerNormGrad: 'RaptrLayerNormGrad',
  softmaxXent: 'RaptrSoftmaxXent',
  softmaxXentGrad: 'RaptrSoftmaxXentGrad',
} as const;

function float32(name: string, ...tensors: TensorInfo[]): void {
  for (const t of tensors)
    if (t.dtype !== 'float32') throw new Error(`${name}: expected float32 tensors, got ${t.dtype}`);
}

/** Rows and row length of x when `vector` is one value per column (LayerNorm gains, per-row losses). */
function rowsOf(name: string, x: TensorInfo, columns: number): number {
  if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== columns)
    throw new Error(`${name}: last dimension of ${JSON.stringify(x.shape)} is not ${columns}`);
  return size(x.shape) / columns;
}

function kernelsFor(
  k: RaptrKernels,
): Record<keyof typeof FUSED, (args: KernelArgs) => TensorInfo | TensorInfo[]> {
  return {
    gelu({ inputs, backend }) {
      const x = inputs.x as TensorInfo;
      float32(FUSED.gelu, x);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput(x.shape, 'float32');
      k.gelu(offset(wasm, x), offset(wasm, y), size(x.shape));
      return y;
    },
    geluGrad({ inputs, backend }) {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      float32(FUSED.geluGrad, x, dy);
      const wasm = backend as BackendWasm;
      const dx = wasm.makeOutput(x.shape, 'float32');
      k.geluGrad(offset(wasm, x), offset(wasm, dy), offset(wasm, dx), size(x.shape));
      return dx;
    },
    layerNorm({ inputs, backend, attrs }) {
      const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
      float32(FUSED.layerNorm, x, gamma, beta);
      const cols = size(gamma.shape);
      const rows = rowsOf(FUSED.layerNorm, x, cols);
      if (size(beta.shape) !== cols) throw new Error(`${FUSED.layerNorm}: gamma and beta sizes differ`);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput(x.shape, 'float32');
      const { eps } = attrs as { eps: number };
      k.layerNorm(offset(wasm, x), offset(wasm, gamma), offset(wasm, beta), offset(wasm, y), rows, cols, eps);
      return y;
    },
    layerNormGrad({ inputs, backend, attrs }) {
      const { x, gamma, dy } = inputs as { x: TensorInfo; gamma: TensorInfo; dy: TensorInfo };
      float32(FUSED.layerNormGrad, x, gamma, dy);
      const cols = size(gamma.shape);
      const rows = rowsOf(FUSED.layerNormGrad, x, cols);
      const wasm = backend as BackendWasm;
      const [dx, dgamma, dbeta] = [x.shape, gamma.shape, gamma.shape].map((s) =>
        wasm.makeOutput(s, 'float32'),
      );
      const { eps } = attrs as { eps: number };
      const at = (t: TensorInfo) => offset(wasm, t);
      k.layerNormGrad(at(x), at(gamma), at(dy), at(dx!), at(dgamma!), at(dbeta!), rows, cols, eps);
      return [dx!, dgamma!, dbeta!];
    },
    softmaxXent({ inputs, backend }) {
      const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo };
      float32(FUSED.softmaxXent, logits);
      const [rows, cols] = logits.shape as [number, number];
      if (logits.shape.length !== 2 || labels.dtype !== 'int32' || size(labels.shape) !== rows)
        throw new Error(`${FUSED.softmaxXent}: wants logits [rows, classes] and int32 labels [rows]`);
      const wasm = backend as BackendWasm;
      const loss = wasm.makeOutput([], 'float32');
      const stats = wasm.makeOutput([rows, 2], 'float32');
      const mean = k.softmaxXent(offset(wasm, logits), offset(wasm, labels), offset(wasm, stats), rows, cols);
      wasm.typedArrayFromHeap(loss)[0] = mean;
      return [loss, stats];
    },
    softmaxXentGrad({ inputs, backend }) {
      const { logits, labels, stats, dy } = inputs as Record<string, TensorInfo>;
      float32(FUSED.softmaxXentGrad, logits!, stats!, dy!);
      const [rows, cols] = logits!.shape as [number, number];
      const wasm = backend as BackendWasm;
      const dlogits = wasm.makeOutput(logits!.shape, 'float32');
      const scale = wasm.typedArrayFromHeap(dy!)[0]! / Math.max(rows, 1);
      const at = (t: TensorInfo) => offset(wasm, t);
      k.softmaxXentGrad(at(logits!), at(labels!), at(stats!), at(dlogits), rows, cols, scale);
      return dlogits;
    },
  };
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs);

/** Gradients are global in tfjs (not per backend), but only our wasm kernels ever produce these nodes. */
function registerGradients(): void {
  tf.registerGradient({
    kernelName: FUSED.gelu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => run(FUSED.geluGrad, { x: saved[0]!, dy: dy as Tensor }) as Tensor }),
  });
  tf.registerGradient({
    kernelName: FUSED.layerNorm,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      // One kernel yields all three gradients; tfjs asks for them one by one, so compute them once here.
      const [dx, dgamma, dbeta] = run(
        FUSED.layerNormGrad,
        { x: saved[0]!, gamma: saved[1]!, dy: dy as Tensor },
        attrs,
      ) as Tensor[];
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    },
  });
  tf.registerGradient({
    kernelName: FUSED.softmaxXent,
    inputsToSave: ['logits', 'labels'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved) => {
      const [logits, labels, stats] = saved as [Tensor, Tensor, Tensor];
      const dy = (dys as Tensor[])[0]!;
      return {
        logits: () => run(FUSED.softmaxXentGrad, { logits, labels, stats, dy }) as Tensor,
        // Labels are integers: no gradient flows to them (tfjs prunes this path; the shape must still match).
        labels: () => tf.zeros(labels.shape),
      };
    },
  });
}

let registered = false;

export function registerFusedKernels(kernels: RaptrKernels): void {
  if (registered) return;
  registered = true;
  for (const [key, kernelFunc] of Object.entries(kernelsFor(kernels)))
    tf.registerKernel({ kernelName: FUSED[key as keyof typeof FUSED], backendName: 'wasm', kernelFunc });
  registerGradients();
}
