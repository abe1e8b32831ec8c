// Our WordPiece encoder: the same ids as Hugging Face's WordPiece model (greedy longest match first, '##'
// continuation prefix, a word longer than 100 characters or with an unknown piece becomes one [UNK]), but
// fast enough to tokenize a whole corpus: each distinct word is split once and then served from a cache.
import { normalizeForWords, preTokenize } from './normalize.js';
import { CLS_ID, SEP_ID, SPECIAL_TOKEN_PATTERN, SPECIAL_TOKENS, UNK_ID } from './special-tokens.js';

export const CONTINUATION_PREFIX = '##';
export const MAX_CHARS_PER_WORD = 100;
/** Bounds the word cache on huge, typo-rich corpora; clearing it only costs speed. */
const MAX_CACHED_WORDS = 1_000_000;

export interface TokenizerOptions {
  lowercase: boolean;
}

export interface EncodeOptions {
  /** Wrap as [CLS] ... [SEP] (the tokenizer.json post-processor). Default true, as in Hugging Face. */
  addSpecialTokens?: boolean;
}

export class WordPieceTokenizer {
  readonly vocab: readonly string[];
  readonly options: Readonly<TokenizerOptions>;
  private readonly idOf: Map<string, number>;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(vocab: readonly string[], options: TokenizerOptions) {
    SPECIAL_TOKENS.forEach((token, id) => {
      if (vocab[id] !== token) throw new Error(`vocabulary must start with ${SPECIAL_TOKENS.join(' ')}`);
    });
    this.vocab = vocab;
    this.options = { lowercase: options.lowercase };
    this.idOf = new Map(vocab.map((token, id) => [token, id]));
    if (this.idOf.size !== vocab.length) throw new Error('vocabulary has duplicate tokens');
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  tokenToId(token: string): number | undefined {
    return this.idOf.get(token);
  }

  /** Token ids of a text; literal special tokens in it ("[MASK]") map to their ids, as in Hugging Face. */
  encode(text: string, { addSpecialTokens = true }: EncodeOptions = {}): number[] {
    const ids: number[] = addSpecialTokens ? [CLS_ID] : [];
    this.encodeInto(text, ids);
    if (addSpecialTokens) ids.push(SEP_ID);
    return ids;
  }

  /** Appends the ids of `text` (no [CLS]/[SEP]) to `out`; the corpus encoder's hot path. */
  encodeInto(text: string, out: number[]): void {
    if (!text.includes('[')) return this.encodeSection(text, out);
    let start = 0;
    for (const match of text.matchAll(SPECIAL_TOKEN_PATTERN)) {
      this.encodeSection(text.slice(start, match.index), out);
      out.push(this.idOf.get(match[0])!);
      start = match.index + match[0].length;
    }
    this.encodeSection(text.slice(start), out);
  }

  /** Tokens back to text, as Hugging Face's WordPiece decoder with cleanup does. */
  decode(ids: readonly number[], { skipSpecialTokens = true } = {}): string {
    const tokens = ids
      .filter((id) => !(skipSpecialTokens && id < SPECIAL_TOKENS.length))
      .map((id) => this.vocab[id] ?? SPECIAL_TOKENS[UNK_ID]);
    return tokens
      .join(' ')
      .replaceAll(` ${CONTINUATION_PREFIX}`, '')
      .replace(/ ([.?!,])/g, '$1')
      .replace(/ ' /g, "'")
      .replace(/ (n't|'m|'s|'ve|'re)/g, '$1');
  }

  private encodeSection(section: string, out: number[]): void {
    if (section.length === 0) return;
    for (const word of preTokenize(normalizeForWords(section, this.options))) {
      let pieces = this.cache.get(word);
      if (pieces === undefined) {
        pieces = this.splitWord(word);
        if (this.cache.size >= MAX_CACHED_WORDS) this.cache.clear();
        this.cache.set(word, pieces);
      }
      for (let i = 0; i < pieces.length; i++) out.push(pieces[i]!);
    }
  }

  /** Greedy longest-match-first over code points; any unmatched remainder makes the whole word [UNK]. */
  private splitWord(word: string): readonly number[] {
    const bounds = codePointBoundaries(word);
    const chars = bounds.length - 1;
    if (chars > MAX_CHARS_PER_WORD) return [UNK_ID];
    const pieces: number[] = [];
    let start = 0;
    while (start < chars) {
      let end = chars;
      let found = -1;
      while (end > start) {
        const text = word.slice(bounds[start], bounds[end]);
        const id = this.idOf.get(start > 0 ? CONTINUATION_PREFIX + text : text);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) return [UNK_ID];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}

/** UTF-16 offsets of each code point start, plus the string length: slicing by characters, not units. */
export function codePointBoundaries(word: string): number[] {
  const bounds = [0];
  for (let i = 0; i < word.length;) {
    const unit = word.charCodeAt(i);
    const next = i + 1 < word.length ? word.charCodeAt(i + 1) : 0;
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    bounds.push(i);
  }
  return bounds;
}
