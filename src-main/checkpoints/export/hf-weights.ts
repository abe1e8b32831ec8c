// Makes the Hugging Face tensors from our weights, following the recipes of hf-layouts.ts.
import type { NamedArray } from '../safetensors.js';
import { weight, type CheckpointModel } from './checkpoint-model.js';
import type { HfTensor } from './hf-layouts.js';

/** [rows, cols] row-major -> [cols, rows]. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

export function buildHfTensor(model: CheckpointModel, tensor: HfTensor): NamedArray {
  const { name, shape, recipe } = tensor;
  const size = shape.reduce((a, b) => a * b, 1);
  switch (recipe.kind) {
    case 'copy':
      return { name, shape, data: Float32Array.from(weight(model, recipe.from, shape)) };
    case 'transpose': {
      const [out, inDim] = shape as [number, number];
      return { name, shape, data: transpose(weight(model, recipe.from, [inDim, out]), inDim, out) };
    }
    case 'positions': {
      const [rows, d] = shape as [number, number];
      const ours = weight(model, recipe.from, [rows - recipe.offset, d]);
      const data = new Float32Array(size);
      data.set(ours, recipe.offset * d);
      return { name, shape, data };
    }
    case 'zeros':
      return { name, shape, data: new Float32Array(size) };
  }
}
