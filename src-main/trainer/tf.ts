// The one place the trainer imports TensorFlow.js from. The union package registers every op's gradient
// and the cpu backend on the shared tfjs-core engine, which tfjs-backend-wasm and tfjs-node-gpu also use.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Variable,
  Rank,
  TensorInfo,
  NamedTensorMap,
} from '@tensorflow/tfjs';
