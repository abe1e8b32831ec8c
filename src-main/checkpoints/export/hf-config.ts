// The JSON files next to model.safetensors in a Hugging Face folder: config.json for BertForMaskedLM or
// RobertaPreLayerNormForMaskedLM, and the tokenizer's tokenizer_config.json and special_tokens_map.json
// (BertTokenizerFast over our WordPiece tokenizer.json, special ids [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4).
import type { RunConfig } from '../../../shared/config/schema.js';
import { APP_VERSION } from '../../version.js';
import {
  PAD_TOKEN_ID,
  ROBERTA_POSITION_OFFSET,
  TOKEN_TYPES,
  type EncoderShape,
  type HfArchitecture,
} from './hf-layouts.js';

/** LayerNorm epsilon of every norm in our encoder (trainer/model/layers.ts). */
export const LAYER_NORM_EPS = 1e-12;
const CLS_TOKEN_ID = 2;
const SEP_TOKEN_ID = 3;

export function hfModelConfig(
  arch: HfArchitecture,
  shape: EncoderShape,
  config: RunConfig,
  step: number,
): Record<string, unknown> {
  const bert = arch === 'bert';
  return {
    architectures: [bert ? 'BertForMaskedLM' : 'RobertaPreLayerNormForMaskedLM'],
    model_type: arch,
    vocab_size: shape.vocabSize,
    hidden_size: shape.dModel,
    num_hidden_layers: shape.depth,
    num_attention_heads: config.model.heads,
    intermediate_size: shape.ffDim,
    // The tanh approximation of GELU, which is what we train with (see hf-layouts.ts for the RoBERTa head).
    hidden_act: 'gelu_new',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: shape.seqLen + (bert ? 0 : ROBERTA_POSITION_OFFSET),
    type_vocab_size: TOKEN_TYPES,
    initializer_range: 0.02,
    layer_norm_eps: LAYER_NORM_EPS,
    pad_token_id: PAD_TOKEN_ID,
    ...(bert ? {} : { bos_token_id: CLS_TOKEN_ID, eos_token_id: SEP_TOKEN_ID }),
    position_embedding_type: 'absolute',
    tie_word_embeddings: true,
    use_cache: true,
    torch_dtype: 'float32',
    // Where the weights came from; transformers keeps unknown keys as plain attributes.
    raptr_studio: {
      app_version: APP_VERSION,
      step,
      norm: config.model.norm,
      policy: config.policy.kind,
    },
  };
}

const SPECIAL = {
  unk_token: '[UNK]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  cls_token: '[CLS]',
  mask_token: '[MASK]',
};

export function specialTokensMap(): Record<string, string> {
  return { ...SPECIAL };
}

export function tokenizerConfig(lowercase: boolean, seqLen: number): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizerFast',
    do_lower_case: lowercase,
    tokenize_chinese_chars: true,
    strip_accents: null,
    clean_up_tokenization_spaces: true,
    model_max_length: seqLen,
    ...SPECIAL,
  };
}
