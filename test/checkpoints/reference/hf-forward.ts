// An independent float64 implementation of what `transformers` computes for BertForMaskedLM and
// RobertaPreLayerNormForMaskedLM in eval mode, from config.json and the exported tensors by their Hugging
// Face names. Written from modeling_bert.py / modeling_roberta_prelayernorm.py / activations.py, not from
// our model code: nn.Linear weights are [out, in], embeddings add token-type row 0, RoBERTa positions come
// from create_position_ids_from_input_ids, the attention mask is additive with finfo.min.
import type { ReferenceTensor } from './safetensors-reader.js';

export interface HfConfig {
  model_type: string;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  layer_norm_eps: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  pad_token_id: number;
}

type Vec = Float64Array;

/** erf to ~1e-12: its Taylor series where it converges well, the Numerical Recipes erfc tail beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const t = 1 / (1 + 0.5 * a);
  const poly =
    -a * a -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

export const ACTIVATIONS: Record<string, (x: number) => number> = {
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
};

export class HfReferenceModel {
  constructor(
    readonly config: HfConfig,
    private readonly tensors: Map<string, ReferenceTensor>,
  ) {}

  private t(name: string): Vec {
    const found = this.tensors.get(name);
    if (!found) throw new Error(`missing tensor ${name}`);
    return found.values;
  }

  private linear(x: Vec, prefix: string, inDim: number, outDim: number): Vec {
    const w = this.t(`${prefix}.weight`);
    const b = this.t(`${prefix}.bias`);
    const y = new Float64Array(outDim);
    for (let o = 0; o < outDim; o++) {
      let s = b[o]!;
      for (let i = 0; i < inDim; i++) s += w[o * inDim + i]! * x[i]!;
      y[o] = s;
    }
    return y;
  }

  private layerNorm(x: Vec, prefix: string): Vec {
    const g = this.t(`${prefix}.weight`);
    const b = this.t(`${prefix}.bias`);
    const n = x.length;
    const mean = x.reduce((s, v) => s + v, 0) / n;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const inv = 1 / Math.sqrt(variance + this.config.layer_norm_eps);
    return x.map((v, i) => (v - mean) * inv * g[i]! + b[i]!);
  }

  private positionIds(ids: number[]): number[] {
    if (this.config.model_type === 'bert') return ids.map((_, p) => p);
    // create_position_ids_from_input_ids: cumsum(ids != pad) * (ids != pad) + pad
    const pad = this.config.pad_token_id;
    let count = 0;
    return ids.map((id) => (id !== pad ? ++count + pad : pad));
  }

  private attention(xs: Vec[], prefix: string, keep: number[]): Vec[] {
    const { hidden_size: d, num_attention_heads: H } = this.config;
    const dh = d / H;
    const q = xs.map((x) => this.linear(x, `${prefix}.self.query`, d, d));
    const k = xs.map((x) => this.linear(x, `${prefix}.self.key`, d, d));
    const v = xs.map((x) => this.linear(x, `${prefix}.self.value`, d, d));
    const maskValue = -3.4028234663852886e38; // torch.finfo(float32).min
    return xs.map((_, i) => {
      const context = new Float64Array(d);
      for (let h = 0; h < H; h++) {
        const scores = k.map((kj, j) => {
          let s = 0;
          for (let c = 0; c < dh; c++) s += q[i]![h * dh + c]! * kj[h * dh + c]!;
          return s / Math.sqrt(dh) + (1 - keep[j]!) * maskValue;
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const total = exps.reduce((a, b) => a + b, 0);
        exps.forEach((e, j) => {
          for (let c = 0; c < dh; c++) context[h * dh + c]! += (e / total) * v[j]![h * dh + c]!;
        });
      }
      return this.linear(context, `${prefix}.output.dense`, d, d);
    });
  }

  /** Final hidden states (what RobertaPreLayerNormModel / BertModel return) for one sequence. */
  hidden(ids: number[], attentionMask: number[] = ids.map(() => 1)): Vec[] {
    const c = this.config;
    const d = c.hidden_size;
    const bert = c.model_type === 'bert';
    const base = bert ? 'bert' : 'roberta_prelayernorm';
    const word = this.t(`${base}.embeddings.word_embeddings.weight`);
    const pos = this.t(`${base}.embeddings.position_embeddings.weight`);
    const type = this.t(`${base}.embeddings.token_type_embeddings.weight`);
    const positions = this.positionIds(ids);
    let xs = ids.map((id, p) => {
      const e = new Float64Array(d);
      for (let i = 0; i < d; i++) e[i] = word[id * d + i]! + type[i]! + pos[positions[p]! * d + i]!;
      return this.layerNorm(e, `${base}.embeddings.LayerNorm`);
    });
    const act = ACTIVATIONS[c.hidden_act]!;
    const ff = c.intermediate_size;
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const L = `${base}.encoder.layer.${l}`;
      const add = (a: Vec, b: Vec) => a.map((v, i) => v + b[i]!);
      if (bert) {
        const attended = this.attention(xs, `${L}.attention`, attentionMask);
        const u = xs.map((x, i) => this.layerNorm(add(x, attended[i]!), `${L}.attention.output.LayerNorm`));
        xs = u.map((x) => {
          const h = this.linear(x, `${L}.intermediate.dense`, d, ff).map(act);
          return this.layerNorm(add(x, this.linear(h, `${L}.output.dense`, ff, d)), `${L}.output.LayerNorm`);
        });
      } else {
        const normed = xs.map((x) => this.layerNorm(x, `${L}.attention.LayerNorm`));
        const attended = this.attention(normed, `${L}.attention`, attentionMask);
        const u = xs.map((x, i) => add(x, attended[i]!));
        xs = u.map((x) => {
          const h = this.linear(
            this.layerNorm(x, `${L}.intermediate.LayerNorm`),
            `${L}.intermediate.dense`,
            d,
            ff,
          ).map(act);
          return add(x, this.linear(h, `${L}.output.dense`, ff, d));
        });
      }
    }
    return bert ? xs : xs.map((x) => this.layerNorm(x, `${base}.LayerNorm`));
  }

  /**
   * MLM logits for one sequence. BertLMPredictionHead uses ACT2FN[hidden_act]; RobertaPreLayerNormLMHead
   * calls activations.gelu (erf) whatever the config says. `headActivation` overrides that, to show the
   * activation is the only difference.
   */
  logits(ids: number[], attentionMask?: number[], headActivation?: string): Vec[] {
    const c = this.config;
    const d = c.hidden_size;
    const bert = c.model_type === 'bert';
    const head = bert ? 'cls.predictions.transform' : 'lm_head';
    const act = ACTIVATIONS[headActivation ?? (bert ? c.hidden_act : 'gelu')]!;
    const word = this.t(`${bert ? 'bert' : 'roberta_prelayernorm'}.embeddings.word_embeddings.weight`);
    const bias = this.t(bert ? 'cls.predictions.bias' : 'lm_head.bias');
    return this.hidden(ids, attentionMask).map((x) => {
      const h = this.linear(x, `${head}.dense`, d, d).map(act);
      const t = this.layerNorm(h, bert ? `${head}.LayerNorm` : `${head}.layer_norm`);
      const out = new Float64Array(c.vocab_size);
      for (let v = 0; v < c.vocab_size; v++) {
        let s = bias[v]!;
        for (let i = 0; i < d; i++) s += word[v * d + i]! * t[i]!;
        out[v] = s;
      }
      return out;
    });
  }
}
