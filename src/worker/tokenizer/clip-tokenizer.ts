/**
 * The CLIP BPE tokenizer, a faithful port of openai/CLIP's `clip/simple_tokenizer.py` (the tokenizer every
 * Stable Diffusion text encoder was trained with). Pure: no DOM, runs in Node and in a Worker.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { BpeMerger, END_OF_WORD } from './bpe.ts';
import { decodeBytes, encodeBytes } from './bytes-to-unicode.ts';
import { normalizePrompt, WHITESPACE } from './normalize.ts';
import { END_TOKEN, START_TOKEN, openAiVocabulary, parseMergesTxt, parseVocabJson, type Vocabulary, type VocabularyFiles } from './vocab-files.ts';

// openai's `pat` (Python `regex`, IGNORECASE), with `\s` spelled as Unicode White_Space like `regex` means it.
const WORD_SOURCE = `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${WHITESPACE}\\p{L}\\p{N}]+`;

// BPE results are cached per word like openai's `self.cache`, but bounded: a worker lives for many prompts.
const CACHE_LIMIT = 20_000;
const CACHEABLE_WORD = 128;
const DEFAULT_LENGTH = 77;

/** Options for {@link ClipTokenizer.fromFiles}. */
export interface ClipTokenizerOptions {
  /** Id for a BPE piece missing from the vocabulary (impossible with a complete byte alphabet); default: the end token. */
  readonly unkTokenId?: number;
}

/** Options for {@link ClipTokenizer.encodeForModel}. */
export interface EncodeForModelOptions {
  /** Id that fills the row after the end token; default 49407 (SD 1.x), 0 for SD 2.x and `clip.tokenize`. */
  readonly padTokenId?: number;
  /** Row length including the start and end tokens; default 77. */
  readonly length?: number;
}

function checkId(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new DiffusionError('invalid-argument', `${name} must be a non-negative integer token id.`, { details: { [name]: value } });
  }
  return value;
}

function checkPrompt(text: unknown): string {
  if (typeof text !== 'string') {
    throw new DiffusionError('invalid-prompt', 'A prompt must be a string.', { details: { type: text === null ? 'null' : typeof text } });
  }
  return text;
}

/** Tokenizes prompts into CLIP token ids exactly as openai's `SimpleTokenizer` (and `clip.tokenize`) do. */
export class ClipTokenizer {
  /** Id of `<|startoftext|>` (49406 in CLIP). */
  readonly startTokenId: number;
  /** Id of `<|endoftext|>` (49407 in CLIP). */
  readonly endTokenId: number;
  /** One more than the largest token id (49408 in CLIP). */
  readonly vocabSize: number;
  readonly #vocab: Vocabulary;
  readonly #merger: BpeMerger;
  readonly #unkTokenId: number;
  readonly #cache = new Map<string, readonly number[]>();

  private constructor(files: VocabularyFiles, options: ClipTokenizerOptions) {
    const start = files.vocab.id(START_TOKEN);
    const end = files.vocab.id(END_TOKEN);
    if (start === undefined || end === undefined) {
      throw new DiffusionError('invalid-model', 'The vocabulary lacks the <|startoftext|> or <|endoftext|> token.', {
        details: { file: 'vocab.json', startToken: start ?? null, endToken: end ?? null },
      });
    }
    this.#vocab = files.vocab;
    this.#merger = new BpeMerger(files.merges);
    this.startTokenId = start;
    this.endTokenId = end;
    this.vocabSize = files.vocab.size;
    this.#unkTokenId = options.unkTokenId === undefined ? end : checkId(options.unkTokenId, 'unkTokenId');
  }

  /** Loads Hugging Face's layout: `tokenizer/vocab.json` and `tokenizer/merges.txt` (first line `#version: 0.2`). */
  static fromFiles(vocabJsonText: string, mergesText: string, options: ClipTokenizerOptions = {}): ClipTokenizer {
    return new ClipTokenizer({ vocab: parseVocabJson(vocabJsonText), merges: parseMergesTxt(mergesText) }, options);
  }

  /** Loads openai's decompressed `bpe_simple_vocab_16e6.txt`, deriving the vocabulary as `SimpleTokenizer` does. */
  static fromOpenAiBpe(bpeText: string): ClipTokenizer {
    return new ClipTokenizer(openAiVocabulary(bpeText), {});
  }

  /** The token ids of a prompt, without start/end tokens or padding (openai's `SimpleTokenizer.encode`). */
  encode(text: string): number[] {
    const ids: number[] = [];
    // No `push(...wordIds)`: one 100k-character word has more ids than a call may take arguments.
    for (const wordIds of this.#words(checkPrompt(text))) for (const id of wordIds) ids.push(id);
    return ids;
  }

  /**
   * One text-encoder row: `[start] + ids[:length - 2] + [end]`, padded with `padTokenId` to `length`.
   * Stops tokenizing once the row is full, so a huge prompt costs little more than its normalisation.
   */
  encodeForModel(text: string, options: EncodeForModelOptions = {}): Int32Array {
    const prompt = checkPrompt(text);
    const length = options.length ?? DEFAULT_LENGTH;
    if (!Number.isInteger(length) || length < 2) {
      throw new DiffusionError('invalid-argument', 'The token row length must be an integer of at least 2.', { details: { length } });
    }
    const pad = options.padTokenId === undefined ? this.endTokenId : checkId(options.padTokenId, 'padTokenId');
    const row = new Int32Array(length).fill(pad);
    const room = length - 2;
    let count = 0;
    row[0] = this.startTokenId;
    for (const wordIds of this.#words(prompt)) {
      for (const id of wordIds) {
        if (count === room) break;
        row[1 + count] = id;
        count += 1;
      }
      if (count === room) break;
    }
    row[1 + count] = this.endTokenId;
    return row;
  }

  /** Text from token ids (openai's `decode`): bytes decoded as UTF-8 with U+FFFD for bad sequences, `</w>` -> space. */
  decode(ids: readonly number[]): string {
    let text = '';
    ids.forEach((id, index) => {
      const token = this.#vocab.token(id);
      if (token === undefined) {
        throw new DiffusionError('invalid-argument', `Token id ${String(id)} is not in the vocabulary.`, { details: { id, index } });
      }
      text += token;
    });
    // ignoreBOM keeps a leading U+FEFF, as Python's 'utf-8' codec does.
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(decodeBytes(text)).replaceAll(END_OF_WORD, ' ');
  }

  /** Normalises the prompt, then yields each word's ids lazily. */
  *#words(text: string): Generator<readonly number[]> {
    const pattern = new RegExp(WORD_SOURCE, 'giu');
    const normalized = normalizePrompt(text);
    for (let match = pattern.exec(normalized); match !== null; match = pattern.exec(normalized)) {
      yield this.#wordIds(match[0]);
    }
  }

  #wordIds(word: string): readonly number[] {
    if (word === START_TOKEN || word === END_TOKEN) return [this.#vocab.id(word) as number];
    const cached = this.#cache.get(word);
    if (cached) return cached;
    const ids = this.#merger.merge(encodeBytes(word)).map((piece) => this.#vocab.id(piece) ?? this.#unkTokenId);
    if (word.length <= CACHEABLE_WORD) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(word, ids);
    }
    return ids;
  }
}
