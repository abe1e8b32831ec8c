// A BERT-style encoder with an MLM head tied to the token embeddings, pre-LN or post-LN.
// The forward pass takes the step's mask: a bypassed block is never called, so it costs nothing forward
// or backward, and its branch factor a scales both residual branches of each active block (RAPTR.md).
import type { ModelConfig } from '../../../shared/config/schema.js';
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';
import { attention, gelu, geluErf, layerNorm, linear, meanCrossEntropy, residual } from './layers.js';
import { blockGroup, type ParameterSet } from './params.js';

/** BERT's initializer range. */
const INIT_STD = 0.02;

export interface MlmTargets {
  /** Flat indices into the [batch * seqLen] positions, where a token is to be predicted. */
  positions: Tensor;
  labels: Tensor;
}

/** Rows of different lengths padded to `seqLen` (probe texts); `lengths` [batch] int32 counts real tokens. */
export interface PaddedRows {
  seqLen: number;
  lengths: Tensor;
}

/** [batch, 1, 1, S] additive attention bias: 0 for real keys, -1e9 for padding. */
function paddingBias(lengths: Tensor, batch: number, S: number): Tensor {
  const isPad = tf.greaterEqual(tf.range(0, S, 1, 'int32').reshape([1, S]), lengths.reshape([batch, 1]));
  return tf.reshape(tf.mul(tf.cast(isPad, 'float32'), -1e9), [batch, 1, 1, S]);
}

export class BertEncoder {
  constructor(
    readonly shape: ModelConfig,
    private readonly params: ParameterSet,
  ) {
    const { layers, dModel: d, ffDim: ff, seqLen, vocabSize, norm } = shape;
    params.add('embed.tokens', 'embed', [vocabSize, d], { kind: 'normal', std: INIT_STD });
    params.add('embed.positions', 'embed', [seqLen, d], { kind: 'normal', std: INIT_STD });
    params.add('embed.norm.g', 'embed', [d], { kind: 'ones' });
    params.add('embed.norm.b', 'embed', [d], { kind: 'zeros' });
    for (let i = 0; i < layers; i++) {
      const group = blockGroup(i);
      for (const proj of ['q', 'k', 'v', 'o']) {
        params.add(`blocks.${i}.attn.${proj}.w`, group, [d, d], { kind: 'normal', std: INIT_STD });
        params.add(`blocks.${i}.attn.${proj}.b`, group, [d], { kind: 'zeros' });
      }
      params.add(`blocks.${i}.norm1.g`, group, [d], { kind: 'ones' });
      params.add(`blocks.${i}.norm1.b`, group, [d], { kind: 'zeros' });
      params.add(`blocks.${i}.mlp.in.w`, group, [d, ff], { kind: 'normal', std: INIT_STD });
      params.add(`blocks.${i}.mlp.in.b`, group, [ff], { kind: 'zeros' });
      params.add(`blocks.${i}.mlp.out.w`, group, [ff, d], { kind: 'normal', std: INIT_STD });
      params.add(`blocks.${i}.mlp.out.b`, group, [d], { kind: 'zeros' });
      params.add(`blocks.${i}.norm2.g`, group, [d], { kind: 'ones' });
      params.add(`blocks.${i}.norm2.b`, group, [d], { kind: 'zeros' });
    }
    if (norm === 'pre') {
      params.add('final.norm.g', 'head', [d], { kind: 'ones' });
      params.add('final.norm.b', 'head', [d], { kind: 'zeros' });
    }
    params.add('head.transform.w', 'head', [d, d], { kind: 'normal', std: INIT_STD });
    params.add('head.transform.b', 'head', [d], { kind: 'zeros' });
    params.add('head.norm.g', 'head', [d], { kind: 'ones' });
    params.add('head.norm.b', 'head', [d], { kind: 'zeros' });
    params.add('head.bias', 'head', [vocabSize], { kind: 'zeros' });
  }

  /**
   * Hidden states [batch * S, d] for token ids [batch * S], running only the mask's blocks. S is the
   * model's seqLen unless `padded` gives a shorter one; padded rows carry their lengths, so attention
   * ignores the padding (training windows are packed and have none).
   */
  hidden(inputIds: Tensor, batch: number, mask: StepMask, padded?: PaddedRows): Tensor {
    const { dModel: d, layers, norm } = this.shape;
    const S = padded?.seqLen ?? this.shape.seqLen;
    const p = (name: string) => this.params.get(name);
    const tokens = tf.reshape(tf.gather(p('embed.tokens'), inputIds), [batch, S, d]);
    const positions =
      S === this.shape.seqLen ? p('embed.positions') : tf.slice(p('embed.positions'), [0, 0], [S, d]);
    const embedded = tf.reshape(tf.add(tokens, positions), [batch * S, d]);
    const keyBias = padded ? paddingBias(padded.lengths, batch, S) : null;
    let y = layerNorm(embedded, p('embed.norm.g'), p('embed.norm.b'));
    for (let i = 0; i < layers; i++) {
      if (!mask.active[i]) continue; // bypassed: y passes through its residual connection untouched
      y = this.block(i, y, batch, keyBias, mask.scales[i]!);
    }
    return norm === 'pre' ? layerNorm(y, p('final.norm.g'), p('final.norm.b')) : y;
  }

  /** Mean of the final hidden states over each row's real tokens: [batch, d] features for probes. */
  pooled(inputIds: Tensor, batch: number, mask: StepMask, padded: PaddedRows): Tensor {
    return tf.tidy(() => {
      const S = padded.seqLen;
      const h = tf.reshape(this.hidden(inputIds, batch, mask, padded), [batch, S, this.shape.dModel]);
      const valid = tf.cast(
        tf.less(tf.range(0, S, 1, 'int32').reshape([1, S]), padded.lengths.reshape([batch, 1])),
        'float32',
      );
      const summed = tf.sum(tf.mul(h, valid.reshape([batch, S, 1])), 1);
      return tf.div(summed, tf.sum(valid, 1, true));
    });
  }

  private block(i: number, y: Tensor, batch: number, keyBias: Tensor | null, a: number): Tensor {
    const p = (name: string) => this.params.get(`blocks.${i}.${name}`);
    const attend = (x: Tensor) => this.attention(i, x, batch, keyBias);
    const mlp = (x: Tensor) =>
      linear(gelu(linear(x, p('mlp.in.w'), p('mlp.in.b'))), p('mlp.out.w'), p('mlp.out.b'));
    if (this.shape.norm === 'pre') {
      // u = y + a Attn(LN1(y));  y' = u + a MLP(LN2(u))
      const u = residual(y, attend(layerNorm(y, p('norm1.g'), p('norm1.b'))), a);
      return residual(u, mlp(layerNorm(u, p('norm2.g'), p('norm2.b'))), a);
    }
    // post-LN (original BERT): the factor scales the branch before the add-and-norm.
    const u = layerNorm(residual(y, attend(y), a), p('norm1.g'), p('norm1.b'));
    return layerNorm(residual(u, mlp(u), a), p('norm2.g'), p('norm2.b'));
  }

  /** Multi-head self-attention; keyBias (-1e9 at padding keys) is null for packed training windows. */
  private attention(i: number, x: Tensor, batch: number, keyBias: Tensor | null): Tensor {
    const p = (name: string) => this.params.get(`blocks.${i}.attn.${name}`);
    const q = linear(x, p('q.w'), p('q.b'));
    const k = linear(x, p('k.w'), p('k.b'));
    const v = linear(x, p('v.w'), p('v.b'));
    return linear(attention(q, k, v, batch, this.shape.heads, keyBias), p('o.w'), p('o.b'));
  }

  /** The MLM head at the predicted positions only: logits [predicted, vocab]. */
  mlmLogits(hidden: Tensor, positions: Tensor): Tensor {
    const p = (name: string) => this.params.get(name);
    const picked = tf.gather(hidden, positions);
    // The head's activation is the one of the Hugging Face class the model exports to (see geluErf).
    const activation = this.shape.norm === 'pre' ? geluErf : gelu;
    const transformed = layerNorm(
      activation(linear(picked, p('head.transform.w'), p('head.transform.b'))),
      p('head.norm.g'),
      p('head.norm.b'),
    );
    // Tied decoder: logits = h E^T + bias, with E the token embedding table.
    return tf.add(tf.matMul(transformed, p('embed.tokens'), false, true), p('head.bias'));
  }

  /** Mean cross-entropy of the true tokens at the predicted positions. */
  mlmLoss(hidden: Tensor, targets: MlmTargets): Tensor {
    return tf.tidy(() => meanCrossEntropy(this.mlmLogits(hidden, targets.positions), targets.labels));
  }
}
