// Save and load our tokenizer as a Hugging Face tokenizer.json (WordPiece model, BertNormalizer,
// BertPreTokenizer, [CLS] $A [SEP] template, WordPiece decoder) plus BERT's vocab.txt, so an exported model
// works with the `tokenizers` library (Rust/Python) and tokenizers.js as is.
import { z } from 'zod';
import { CLS_ID, SEP_ID, SPECIAL_TOKENS } from './special-tokens.js';
import { CONTINUATION_PREFIX, MAX_CHARS_PER_WORD, WordPieceTokenizer } from './wordpiece.js';

export function toTokenizerJson(tokenizer: WordPieceTokenizer): string {
  const special = (id: number) => ({ id: SPECIAL_TOKENS[id]!, type_id: 0 });
  const pairSpecial = (id: number) => ({ id: SPECIAL_TOKENS[id]!, type_id: 1 });
  const templateEntry = (id: number) => ({
    id: SPECIAL_TOKENS[id]!,
    ids: [id],
    tokens: [SPECIAL_TOKENS[id]!],
  });
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: tokenizer.options.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: special(CLS_ID) },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special(SEP_ID) },
      ],
      pair: [
        { SpecialToken: special(CLS_ID) },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special(SEP_ID) },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: pairSpecial(SEP_ID) },
      ],
      special_tokens: {
        [SPECIAL_TOKENS[CLS_ID]]: templateEntry(CLS_ID),
        [SPECIAL_TOKENS[SEP_ID]]: templateEntry(SEP_ID),
      },
    },
    decoder: { type: 'WordPiece', prefix: CONTINUATION_PREFIX, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: CONTINUATION_PREFIX,
      max_input_chars_per_word: MAX_CHARS_PER_WORD,
      vocab: Object.fromEntries(tokenizer.vocab.map((token, id) => [token, id])),
    },
  };
  return JSON.stringify(json, null, 2) + '\n';
}

/** BERT's vocab.txt: one token per line, line n is id n. */
export function toVocabTxt(tokenizer: WordPieceTokenizer): string {
  return tokenizer.vocab.join('\n') + '\n';
}

/** What we need from a tokenizer.json; anything else (a BPE model, a different normaliser) is refused. */
const TokenizerJsonSchema = z.object({
  normalizer: z.object({ type: z.literal('BertNormalizer'), lowercase: z.boolean() }),
  pre_tokenizer: z.object({ type: z.literal('BertPreTokenizer') }),
  model: z.object({
    type: z.literal('WordPiece'),
    continuing_subword_prefix: z.literal(CONTINUATION_PREFIX),
    max_input_chars_per_word: z.literal(MAX_CHARS_PER_WORD),
    vocab: z.record(z.string(), z.number().int().min(0)),
  }),
});

export function fromTokenizerJson(text: string): WordPieceTokenizer {
  const parsed = TokenizerJsonSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `not a BERT WordPiece tokenizer.json we can load: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const { model, normalizer } = parsed.data;
  const entries = Object.entries(model.vocab);
  const vocab = new Array<string>(entries.length);
  for (const [token, id] of entries) {
    if (id >= entries.length || vocab[id] !== undefined) throw new Error('tokenizer.json ids are not 0..n-1');
    vocab[id] = token;
  }
  return new WordPieceTokenizer(vocab, { lowercase: normalizer.lowercase });
}
