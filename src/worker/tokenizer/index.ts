/** The CLIP BPE tokenizer: public API. */
export { ClipTokenizer, type ClipTokenizerOptions, type EncodeForModelOptions } from './clip-tokenizer.ts';
export { normalizePrompt } from './normalize.ts';
