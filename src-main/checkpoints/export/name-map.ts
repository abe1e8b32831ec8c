// The documented name map of a `--format safetensors` export: for every tensor in model.safetensors, its
// shape, what it is, and (for the transformer) the Hugging Face name it has in the hf export. Together with
// the formulas it is enough to run the model anywhere, including the polynomial task's residual MLP, which
// no Hugging Face architecture covers.
import type { CheckpointModel } from './checkpoint-model.js';
import { LAYER_NORM_EPS } from './hf-config.js';
import { hfTensors, type TensorRecipe } from './hf-layouts.js';
import { encoderShape } from './hf-export.js';

export interface NameMapEntry {
  shape: number[];
  dtype: string;
  meaning: string;
  huggingFace?: { name: string; transform: TensorRecipe['kind'] }[];
}

export interface NameMap {
  format: 'raptr-name-map';
  version: 1;
  model: 'bert-encoder' | 'residual-mlp';
  conventions: string[];
  formulas: string[];
  huggingFaceArchitecture: string | null;
  tensors: Record<string, NameMapEntry>;
}

const CONVENTIONS = [
  'Every linear layer is y = x @ w + b with w stored [in, out] (Hugging Face nn.Linear stores [out, in]).',
  `LayerNorm(x) = (x - mean) / sqrt(var + ${LAYER_NORM_EPS}) * g + b over the last axis (biased variance).`,
  'gelu(x) is the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (Hugging Face "gelu_new").',
  'Evaluation and export run every block with branch factor 1; subnetwork masks only apply while training.',
];

const ENCODER_FORMULAS: Record<'pre' | 'post', string[]> = {
  pre: [
    'y = LayerNorm_embed.norm(embed.tokens[id] + embed.positions[p]) for the token at index p',
    'each block i: u = y + Attn_i(LayerNorm_norm1(y)); y = u + MLP_i(LayerNorm_norm2(u))',
    'hidden = LayerNorm_final.norm(y)',
  ],
  post: [
    'y = LayerNorm_embed.norm(embed.tokens[id] + embed.positions[p]) for the token at index p',
    'each block i: u = LayerNorm_norm1(y + Attn_i(y)); y = LayerNorm_norm2(u + MLP_i(u))',
    'hidden = y (no final norm)',
  ],
};

const ENCODER_PARTS = [
  'Attn_i(x): q, k, v = x @ attn.{q,k,v}.w + b split into `heads` heads of d/heads; softmax(q k^T / sqrt(d/heads)) v, heads concatenated, then @ attn.o.w + attn.o.b',
  'MLP_i(x) = gelu(x @ mlp.in.w + mlp.in.b) @ mlp.out.w + mlp.out.b',
  'MLM logits = LayerNorm_head.norm(gelu(hidden @ head.transform.w + head.transform.b)) @ embed.tokens^T + head.bias',
];

const MLP_FORMULAS = [
  'y = x @ embed.in.w + embed.in.b for x in {-1, +1}^inputDim',
  'each block i: y = y + relu(LayerNorm_blocks.i.norm(y) @ mlp.in.w + mlp.in.b) @ mlp.out.w + mlp.out.b',
  'F(x) = LayerNorm_head.norm(y) @ head.w + head.b (one output)',
];

function meaning(name: string): string {
  const block = /^blocks\.(\d+)\.(.+)$/.exec(name);
  const part = block ? block[2]! : name;
  const where = block ? `block ${block[1]}: ` : '';
  const kind = part.endsWith('.w') ? 'weight [in, out]' : part.endsWith('.g') ? 'LayerNorm gain' : 'bias';
  if (name === 'embed.tokens') return 'token embeddings [vocab, d]; also the tied MLM decoder';
  if (name === 'embed.positions')
    return 'learned absolute position embeddings [seqLen, d]; row p for index p';
  if (name === 'head.bias') return 'MLM output bias [vocab]';
  const stem = part.replace(/\.(w|b|g)$/, '');
  return `${where}${stem} ${kind}`;
}

export function nameMap(model: CheckpointModel): NameMap {
  const mlm = model.config.task.kind === 'mlm';
  const norm = model.config.model.norm;
  const arch = norm === 'post' ? 'bert' : 'roberta-prelayernorm';
  const hfByOurName = new Map<string, { name: string; transform: TensorRecipe['kind'] }[]>();
  if (mlm)
    for (const t of hfTensors(arch, encoderShape(model)))
      if (t.recipe.kind !== 'zeros') {
        const list = hfByOurName.get(t.recipe.from) ?? [];
        list.push({ name: t.name, transform: t.recipe.kind });
        hfByOurName.set(t.recipe.from, list);
      }
  const tensors: Record<string, NameMapEntry> = {};
  for (const [name, t] of model.weights) {
    const hf = hfByOurName.get(name);
    tensors[name] = {
      shape: t.shape,
      dtype: t.data instanceof Float32Array ? 'F32' : 'I32',
      meaning: meaning(name),
      ...(hf ? { huggingFace: hf } : {}),
    };
  }
  return {
    format: 'raptr-name-map',
    version: 1,
    model: mlm ? 'bert-encoder' : 'residual-mlp',
    conventions: CONVENTIONS,
    formulas: mlm ? [...ENCODER_FORMULAS[norm], ...ENCODER_PARTS] : MLP_FORMULAS,
    huggingFaceArchitecture: mlm
      ? arch === 'bert'
        ? 'BertForMaskedLM'
        : 'RobertaPreLayerNormForMaskedLM'
      : null,
    tensors,
  };
}
