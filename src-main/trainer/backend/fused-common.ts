// What the fused-kernel modules share: kernel names, argument checks and the kernel runner.
import { tf, type TensorInfo } from '../tf.js';

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export type KernelArgs = Parameters<tf.KernelConfig['kernelFunc']>[0];
export type KernelOut = TensorInfo | TensorInfo[];

/**
 * Our kernel names. Each backend folder (wasm/, webgpu/) registers its own kernels under them; their
 * gradients (fused-gradients.ts) are global in tfjs and shared by every backend.
 */
export const FUSED = {
  gelu: 'RaptrGelu',
  geluGrad: 'RaptrGeluGrad',
  layerNorm: 'RaptrLayerNorm',
  layerNormGrad: 'RaptrLayerNormGrad',
  softmaxXent: 'RaptrSoftmaxXent',
  softmaxXentGrad: 'RaptrSoftmaxXentGrad',
  linear: 'RaptrLinear',
  residual: 'RaptrResidual',
  attention: 'RaptrAttention',
  attentionGrad: 'RaptrAttentionGrad',
} as const;

export function float32(name: string, ...tensors: TensorInfo[]): void {
  for (const t of tensors)
    if (t.dtype !== 'float32') throw new Error(`${name}: expected float32 tensors, got ${t.dtype}`);
}

/** Number of rows of x when its last dimension must be `columns` long. */
export function rowsOf(name: string, x: TensorInfo, columns: number): number {
  if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== columns)
    throw new Error(`${name}: last dimension of ${JSON.stringify(x.shape)} is not ${columns}`);
  return size(x.shape) / columns;
}

export const runKernel = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) =>
  tf.engine().runKernel(name, inputs, attrs);

/** Registers one backend's kernels for our fused ops (skipping any already registered there). */
export function registerAll(
  backendName: string,
  kernels: Record<string, (args: KernelArgs) => KernelOut>,
): void {
  for (const [kernelName, kernelFunc] of Object.entries(kernels))
    if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
}
