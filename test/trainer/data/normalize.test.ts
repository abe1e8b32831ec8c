import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  normalizeForWords,
  normalizeText,
  preTokenize,
} from '../../../src-main/trainer/data/tokenizer/normalize.js';

// Strings chosen to hit every branch of BertNormalizer and BertPreTokenizer.
const TRICKY = [
  'Fellow-Citizens of the Senate: In 1790, $1,000.50 (about 3%)!',
  'Héllo Wörld, naïve café; ÅNGSTRÖM São Paulo',
  'tabs\tnew\nlines\r\nand\u00a0nbsp\u2003em\u2028sep',
  'controls\u0000\u0007\u001b\u200b\u200d\ufeff\ufffd gone',
  'ascii only\u0001 with\u007f DEL\u000b and\u000c form feed\ttab',
  '中文字符 mixed 日本語 and 𠀀 astral',
  "don't won’t — “quoted” «guillemets» ¿qué? ¡sí! …",
  'ＡＢＣ ﬁ ligature İstanbul ΣΑΣ straße',
  'emoji 👍🏽 and flags 🇺🇸 and math ∑ ≤ ±',
  'private \ue000 use and lone \ud800 surrogate',
  '',
  '   ',
];

describe('BERT normalisation and pre-tokenisation', () => {
  for (const lowercase of [true, false]) {
    it(`matches Hugging Face's BertNormalizer + BertPreTokenizer (lowercase: ${lowercase})`, () => {
      const hf = hfPipeline(lowercase);
      for (const text of TRICKY) {
        const ours = normalizeText(text, { lowercase });
        expect(ours, JSON.stringify(text)).toBe(hf.normalize(text));
        expect(preTokenize(ours)).toEqual(hf.preTokenize(ours));
        // The encoder's shortcut (whitespace left as is) must split into the same words.
        expect(preTokenize(normalizeForWords(text, { lowercase }))).toEqual(preTokenize(ours));
      }
    });
  }
});

/** Hugging Face's own components, taken from a Tokenizer built on a minimal BERT tokenizer.json. */
function hfPipeline(lowercase: boolean) {
  const tokenizer = new Tokenizer(
    {
      normalizer: {
        type: 'BertNormalizer',
        clean_text: true,
        handle_chinese_chars: true,
        strip_accents: null,
        lowercase,
      },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      model: {
        type: 'WordPiece',
        vocab: { '[UNK]': 0 },
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
      },
      post_processor: null,
      decoder: null,
      added_tokens: [],
    },
    {},
  );
  const normalizer = tokenizer.normalizer as unknown as { normalize(text: string): string };
  const preTokenizer = tokenizer.pre_tokenizer as unknown as { pre_tokenize_text(text: string): string[] };
  return {
    normalize: (text: string) => normalizer.normalize(text),
    preTokenize: (text: string) => preTokenizer.pre_tokenize_text(text),
  };
}
