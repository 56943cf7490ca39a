/**
 * Reads the two published forms of the CLIP vocabulary: Hugging Face's `vocab.json` + `merges.txt`, and
 * openai's `bpe_simple_vocab_16e6.txt` (merges only; the vocabulary is derived from them).
 */
import { DiffusionError } from '../protocol/errors.ts';
import { END_OF_WORD } from './bpe.ts';
import { byteAlphabet } from './bytes-to-unicode.ts';

/** openai's start-of-text special token. */
export const START_TOKEN = '<|startoftext|>';
/** openai's end-of-text special token, also Stable Diffusion 1.x's padding. */
export const END_TOKEN = '<|endoftext|>';

// openai keeps merges[1:49152-256-2+1]: a 49,408-entry vocabulary = 512 byte symbols + 48,894 merges + 2.
const OPENAI_MERGE_COUNT = 49152 - 256 - 2;

/** Token <-> id lookups. */
export interface Vocabulary {
  /** The id of a token, if it has one. */
  id(token: string): number | undefined;
  /** The token of an id, if it has one. */
  token(id: number): string | undefined;
  /** One more than the largest id. */
  readonly size: number;
}

/** A vocabulary and merge table (merges written `"first second"`, in rank order), ready for the tokenizer. */
export interface VocabularyFiles {
  readonly vocab: Vocabulary;
  readonly merges: readonly string[];
}

function invalid(message: string, details: Record<string, unknown>, cause?: unknown): DiffusionError {
  return new DiffusionError('invalid-model', message, { details, cause });
}

function fromObject(ids: Readonly<Record<string, number>>, tokens: readonly string[]): Vocabulary {
  // The parsed JSON object is already a hash table; copying 49,408 entries into a Map would double load time.
  return {
    id: (token) => (Object.hasOwn(ids, token) ? ids[token] : undefined),
    token: (id) => tokens[id],
    size: tokens.length,
  };
}

/** Parses `vocab.json` (token -> id) and checks that every id is a non-negative integer. */
export function parseVocabJson(text: string): Vocabulary {
  if (typeof text !== 'string') throw invalid('vocab.json must be text.', { file: 'vocab.json', type: typeof text });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw invalid('vocab.json is not valid JSON.', { file: 'vocab.json', length: text.length }, cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('vocab.json must be an object mapping tokens to ids.', { file: 'vocab.json' });
  }
  const ids = parsed as Record<string, unknown>;
  const tokens: string[] = [];
  for (const token of Object.keys(ids)) {
    const id = ids[token];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw invalid(`vocab.json maps ${JSON.stringify(token)} to ${JSON.stringify(id)}, not a token id.`, { file: 'vocab.json', token, id });
    }
    tokens[id] = token;
  }
  if (tokens.length === 0) throw invalid('vocab.json is empty.', { file: 'vocab.json' });
  return fromObject(ids as Record<string, number>, tokens);
}

/** Checks merge lines and writes each as `"first second"`; `file` and `firstLine` only label errors. */
function mergeKeys(lines: readonly string[], file: string, firstLine: number): string[] {
  return lines.map((line, i) => {
    const space = line.indexOf(' ');
    if (space > 0 && space < line.length - 1 && line.indexOf(' ', space + 1) === -1 && !/[\t\r\v\f]/.test(line)) return line;
    // Python's `str.split()` also accepts other whitespace and runs of it.
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) {
      throw invalid(`${file} line ${firstLine + i} is not a merge of two symbols.`, { file, line: firstLine + i, text: line.slice(0, 80) });
    }
    return parts.join(' ');
  });
}

/** Parses Hugging Face's `merges.txt`: an optional `#version` line, then one merge per line. */
export function parseMergesTxt(text: string): string[] {
  if (typeof text !== 'string') throw invalid('merges.txt must be text.', { file: 'merges.txt', type: typeof text });
  const lines = text.split('\n');
  const skip = lines[0]?.startsWith('#version') ? 1 : 0;
  let end = lines.length;
  while (end > skip && (lines[end - 1] as string).trim() === '') end -= 1;
  const merges = mergeKeys(lines.slice(skip, end), 'merges.txt', skip + 1);
  if (merges.length === 0) throw invalid('merges.txt has no merges.', { file: 'merges.txt' });
  return merges;
}

/**
 * Builds the vocabulary from openai's merge file the way `SimpleTokenizer.__init__` does: the 256 byte
 * symbols, the same with `</w>`, one token per merge (the first 48,894 after the header), then the specials.
 */
export function openAiVocabulary(bpeText: string): VocabularyFiles {
  const file = 'bpe_simple_vocab_16e6.txt';
  if (typeof bpeText !== 'string') throw invalid(`${file} must be text.`, { file, type: typeof bpeText });
  const lines = bpeText.split('\n').slice(1, OPENAI_MERGE_COUNT + 1);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  if (lines.length === 0) throw invalid(`${file} has no merges.`, { file });
  const merges = mergeKeys(lines, file, 2);
  const { bytes, encoder } = byteAlphabet();
  const symbols = bytes.map((byte) => encoder[byte] as string);
  const tokens = [...symbols, ...symbols.map((s) => s + END_OF_WORD), ...merges.map((m) => m.replace(' ', '')), START_TOKEN, END_TOKEN];
  // `dict(zip(vocab, range(...)))`: a token listed twice keeps its last id, as in openai's encoder.
  const ids = new Map<string, number>();
  tokens.forEach((token, id) => ids.set(token, id));
  return { vocab: { id: (token) => ids.get(token), token: (id) => tokens[id], size: tokens.length }, merges };
}
