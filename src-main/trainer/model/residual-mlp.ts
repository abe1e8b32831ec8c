// The residual MLP of the polynomial experiment (RAPTR.md):
//   y_0 = W_in x;  y_l = y_(l-1) + a W2_l relu(W1_l LN(y_(l-1)));  F = w . LN(y_L)
// Bypassed blocks are never called; a is the mask's branch factor.
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';
import { layerNorm, linear, residual } from './layers.js';
import { blockGroup, type ParameterSet } from './params.js';

export interface ResidualMlpShape {
  inputDim: number;
  width: number;
  hidden: number;
  layers: number;
}

export class ResidualMlp {
  constructor(
    readonly shape: ResidualMlpShape,
    private readonly params: ParameterSet,
  ) {
    const { inputDim, width, hidden, layers } = shape;
    params.add('embed.in.w', 'embed', [inputDim, width], { kind: 'normal', std: 1 / Math.sqrt(inputDim) });
    params.add('embed.in.b', 'embed', [width], { kind: 'zeros' });
    for (let i = 0; i < layers; i++) {
      const group = blockGroup(i);
      params.add(`blocks.${i}.norm.g`, group, [width], { kind: 'ones' });
      params.add(`blocks.${i}.norm.b`, group, [width], { kind: 'zeros' });
      // He init into the ReLU; the output projection shrinks with depth so the sum of L branches stays O(1).
      params.add(`blocks.${i}.mlp.in.w`, group, [width, hidden], {
        kind: 'normal',
        std: Math.sqrt(2 / width),
      });
      params.add(`blocks.${i}.mlp.in.b`, group, [hidden], { kind: 'zeros' });
      params.add(`blocks.${i}.mlp.out.w`, group, [hidden, width], {
        kind: 'normal',
        std: 1 / Math.sqrt(hidden * layers),
      });
      params.add(`blocks.${i}.mlp.out.b`, group, [width], { kind: 'zeros' });
    }
    params.add('head.norm.g', 'head', [width], { kind: 'ones' });
    params.add('head.norm.b', 'head', [width], { kind: 'zeros' });
    params.add('head.w', 'head', [width, 1], { kind: 'normal', std: 1 / Math.sqrt(width) });
    params.add('head.b', 'head', [1], { kind: 'zeros' });
  }

  /** F(x) for x [batch, inputDim] in {-1, +1}: a [batch] tensor. */
  predict(x: Tensor, mask: StepMask): Tensor {
    const p = (name: string) => this.params.get(name);
    let y = linear(x, p('embed.in.w'), p('embed.in.b'));
    for (let i = 0; i < this.shape.layers; i++) {
      if (!mask.active[i]) continue;
      const b = (name: string) => p(`blocks.${i}.${name}`);
      const h = tf.relu(linear(layerNorm(y, b('norm.g'), b('norm.b')), b('mlp.in.w'), b('mlp.in.b')));
      y = residual(y, linear(h, b('mlp.out.w'), b('mlp.out.b')), mask.scales[i]!);
    }
    const out = linear(layerNorm(y, p('head.norm.g'), p('head.norm.b')), p('head.w'), p('head.b'));
    return tf.reshape(out, [-1]);
  }
}
