// BERT's special tokens, at fixed ids so every tokenizer we train puts [PAD] at 0 and the engine can rely on
// the ids without looking them up.
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;
export const MASK_ID = 4;
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
/** Ids below this are special: never masked, never drawn as a random replacement. */
export const FIRST_ORDINARY_ID = SPECIAL_TOKENS.length;

/** Literal special tokens typed in raw text are matched before normalisation, as Hugging Face does. */
export const SPECIAL_TOKEN_PATTERN = /\[(?:PAD|UNK|CLS|SEP|MASK)\]/g;
