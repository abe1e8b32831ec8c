// BERT text normalisation and pre-tokenisation, written to give exactly what Hugging Face's BertNormalizer
// (clean_text, handle_chinese_chars, strip_accents: null, lowercase: option) and BertPreTokenizer give, as
// implemented in @huggingface/tokenizers (tokenizers.js), which the compatibility test checks against.
// Two known corner cases where tokenizers.js and the Rust library differ, and we follow tokenizers.js:
// Chinese characters outside the BMP (U+20000 and up) are not spaced out, and unassigned code points (Cn)
// are kept. Neither occurs in the built-in corpus.
// Implemented with whole-string regular expressions rather than a loop per character: this runs on every
// word of the corpus.

/** Removed by clean_text: NUL, U+FFFD and the "other" categories, except tab, newline and carriage return. */
const REMOVED_CHARS = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
/** clean_text turns every JavaScript \s character into a plain space. */
const WHITESPACE = /\s/g;
/** CJK ideographs get spaces around them so each becomes its own word (BMP blocks only, see above). */
const CJK_CHARS = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g;
const NON_ASCII = /[^\0-\x7F]/;
/** In ASCII text clean_text removes exactly these (C0 controls but tab, newline, CR; and DEL). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ASCII_CONTROLS = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F]/;
const COMBINING_MARKS = /\p{Mn}/gu;

// BertPreTokenizer: runs of non-space non-punctuation, or a single punctuation character. Punctuation is
// Unicode P plus every ASCII symbol ($, +, <, ^, `, |, ~ ...), as in the original BERT.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

export interface NormalizerOptions {
  /** Lowercase, and then also strip accents (BertNormalizer with strip_accents: null). */
  lowercase: boolean;
}

export function normalizeText(text: string, options: NormalizerOptions): string {
  return normalizeForWords(text, options).replace(WHITESPACE, ' ');
}

/**
 * normalizeText without turning the other whitespace characters into plain spaces: the pre-tokenizer
 * splits on all of them alike, so the encoder skips that pass (it is about a tenth of encoding time).
 */
export function normalizeForWords(text: string, { lowercase }: NormalizerOptions): string {
  if (!NON_ASCII.test(text)) {
    const clean = ASCII_CONTROLS.test(text) ? text.replace(REMOVED_CHARS, '') : text;
    return lowercase ? clean.toLowerCase() : clean;
  }
  let out = text.replace(REMOVED_CHARS, '').replace(CJK_CHARS, ' $& ');
  if (lowercase) out = out.toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '');
  return out;
}

/** Words and single punctuation marks of already-normalised text. */
export function preTokenize(normalized: string): string[] {
  return normalized.match(PRE_TOKEN) ?? [];
}
