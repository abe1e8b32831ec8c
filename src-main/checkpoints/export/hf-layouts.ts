// Our parameter names -> Hugging Face parameter names, for the two layouts `transformers` can load our
// BERT-style encoder as. What follows was checked against transformers' own source (read in
// huggingface/transformers: src/transformers/models/bert/modeling_bert.py,
// src/transformers/models/roberta_prelayernorm/modeling_roberta_prelayernorm.py and
// configuration_roberta_prelayernorm.py, src/transformers/activations.py, and load_state_dict in
// modeling_utils.py), and is proven numerically by test/checkpoints/hf-reference.test.ts, which runs an
// independent implementation of those models' math on the exported files.
//
// post-LN -> BertForMaskedLM (model_type "bert"):
// - BertEmbeddings: LayerNorm(word[id] + position[p] + token_type[t]) with position ids 0..S-1 (arange, no
//   offset). Our model has no token types, so the token-type table is zeros (2 rows, so a pair encoding
//   with type id 1 still indexes it) and adds nothing.
// - BertLayer: attention.output.LayerNorm(x + dense(attn(x))), then output.LayerNorm(u + dense(act(
//   intermediate.dense(u)))), act = ACT2FN[hidden_act]; "gelu_new" is the tanh approximation we train with.
//   No final LayerNorm: matches our post-LN model.
// - BertLMPredictionHead: transform.dense -> ACT2FN[hidden_act] -> transform.LayerNorm -> decoder (no bias
//   of its own) whose weight is tied to word_embeddings, plus cls.predictions.bias (decoder.bias is the
//   same Parameter). save_pretrained leaves tied copies out, so we write neither decoder.weight nor
//   decoder.bias; loading re-ties them to word_embeddings and cls.predictions.bias.
//
// pre-LN -> RobertaPreLayerNormForMaskedLM (model_type "roberta-prelayernorm"):
// - RobertaPreLayerNormEmbeddings: the same sum and LayerNorm as BERT, but position ids come from
//   create_position_ids_from_input_ids: cumsum(input_ids != padding_idx) * mask + padding_idx. A real token
//   at index p (no padding before it) gets position p + padding_idx + 1, a [PAD] gets padding_idx. So our
//   row p is written at row p + pad_token_id + 1, rows 0..pad_token_id are zeros, and
//   max_position_embeddings = seqLen + pad_token_id + 1. Right padding matches our model exactly; left
//   padding does not (our positions are absolute indices), as in any RoBERTa.
// - Layer: attention.LayerNorm before self-attention, x + output.dense(attn(LN(x))); intermediate.LayerNorm
//   before intermediate.dense, u + output.dense(act(dense(LN(u)))). Residuals outside the norms: our pre-LN.
// - RobertaPreLayerNormModel applies its own LayerNorm (roberta_prelayernorm.LayerNorm) to the encoder
//   output: our final.norm.
// - RobertaPreLayerNormLMHead: dense -> gelu -> layer_norm -> decoder tied to word_embeddings, with
//   lm_head.bias (decoder.bias is the same Parameter; save_pretrained leaves decoder.* out). This head
//   calls activations.gelu, the exact erf GELU, whatever hidden_act says: our pre-LN models train their
//   MLM head with that same GELU (model/layers.ts geluErf), so logits are exact too.
// Both: nn.Linear stores weight [out, in]; ours is [in, out], so every matrix is transposed. The safetensors
// header must carry {"format": "pt"} or load_state_dict refuses the file.

export type HfArchitecture = 'bert' | 'roberta-prelayernorm';

export type TensorRecipe =
  | { kind: 'copy'; from: string }
  /** Ours [in, out] -> nn.Linear's [out, in]. */
  | { kind: 'transpose'; from: string }
  /** Our position rows shifted down by `offset`; the rows above them are zeros. */
  | { kind: 'positions'; from: string; offset: number }
  | { kind: 'zeros' };

export interface HfTensor {
  name: string;
  shape: number[];
  recipe: TensorRecipe;
}

export interface EncoderShape {
  vocabSize: number;
  dModel: number;
  ffDim: number;
  seqLen: number;
  /** Blocks exported (the model's depth at the checkpoint). */
  depth: number;
}

export const PAD_TOKEN_ID = 0;
export const TOKEN_TYPES = 2;
/** Position rows the roberta-prelayernorm layout needs before ours (padding_idx + 1). */
export const ROBERTA_POSITION_OFFSET = PAD_TOKEN_ID + 1;

export function hfTensors(arch: HfArchitecture, s: EncoderShape): HfTensor[] {
  const { vocabSize: V, dModel: d, ffDim: ff, seqLen: S } = s;
  const copy = (name: string, from: string, shape: number[]): HfTensor => ({
    name,
    shape,
    recipe: { kind: 'copy', from },
  });
  const linear = (hf: string, ours: string, inDim: number, outDim: number): HfTensor[] => [
    { name: `${hf}.weight`, shape: [outDim, inDim], recipe: { kind: 'transpose', from: `${ours}.w` } },
    copy(`${hf}.bias`, `${ours}.b`, [outDim]),
  ];
  const norm = (hf: string, ours: string): HfTensor[] => [
    copy(`${hf}.weight`, `${ours}.g`, [d]),
    copy(`${hf}.bias`, `${ours}.b`, [d]),
  ];
  const bert = arch === 'bert';
  const base = bert ? 'bert' : 'roberta_prelayernorm';
  const offset = bert ? 0 : ROBERTA_POSITION_OFFSET;
  const tensors: HfTensor[] = [
    copy(`${base}.embeddings.word_embeddings.weight`, 'embed.tokens', [V, d]),
    {
      name: `${base}.embeddings.position_embeddings.weight`,
      shape: [S + offset, d],
      recipe:
        offset === 0
          ? { kind: 'copy', from: 'embed.positions' }
          : { kind: 'positions', from: 'embed.positions', offset },
    },
    {
      name: `${base}.embeddings.token_type_embeddings.weight`,
      shape: [TOKEN_TYPES, d],
      recipe: { kind: 'zeros' },
    },
    ...norm(`${base}.embeddings.LayerNorm`, 'embed.norm'),
  ];
  for (let i = 0; i < s.depth; i++) {
    const hf = `${base}.encoder.layer.${i}`;
    const ours = `blocks.${i}`;
    if (!bert) tensors.push(...norm(`${hf}.attention.LayerNorm`, `${ours}.norm1`));
    for (const [proj, name] of [
      ['q', 'query'],
      ['k', 'key'],
      ['v', 'value'],
    ] as const)
      tensors.push(...linear(`${hf}.attention.self.${name}`, `${ours}.attn.${proj}`, d, d));
    tensors.push(...linear(`${hf}.attention.output.dense`, `${ours}.attn.o`, d, d));
    if (bert) tensors.push(...norm(`${hf}.attention.output.LayerNorm`, `${ours}.norm1`));
    else tensors.push(...norm(`${hf}.intermediate.LayerNorm`, `${ours}.norm2`));
    tensors.push(...linear(`${hf}.intermediate.dense`, `${ours}.mlp.in`, d, ff));
    tensors.push(...linear(`${hf}.output.dense`, `${ours}.mlp.out`, ff, d));
    if (bert) tensors.push(...norm(`${hf}.output.LayerNorm`, `${ours}.norm2`));
  }
  if (bert) {
    tensors.push(...linear('cls.predictions.transform.dense', 'head.transform', d, d));
    tensors.push(...norm('cls.predictions.transform.LayerNorm', 'head.norm'));
    tensors.push(copy('cls.predictions.bias', 'head.bias', [V]));
  } else {
    tensors.push(...norm(`${base}.LayerNorm`, 'final.norm'));
    tensors.push(...linear('lm_head.dense', 'head.transform', d, d));
    tensors.push(...norm('lm_head.layer_norm', 'head.norm'));
    tensors.push(copy('lm_head.bias', 'head.bias', [V]));
  }
  return tensors;
}
