// BPE merging: the heap version used for long words gives exactly what openai's literal loop gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BpeMerger, END_OF_WORD } from '../../../src/worker/tokenizer/bpe.ts';
import { byteAlphabet, decodeBytes, encodeBytes } from '../../../src/worker/tokenizer/bytes-to-unicode.ts';
import { parseMergesTxt } from '../../../src/worker/tokenizer/vocab-files.ts';

const merges = parseMergesTxt(readFileSync(new URL('../../fixtures/clip/merges.txt', import.meta.url), 'utf8'));
const ranks = new Map(merges.map((pair, rank) => [pair, rank]));

/** openai's `bpe()` transcribed literally (tuple of symbols, `word.index`, min over the pair set). */
function literalBpe(token: string): string[] {
  const chars = Array.from(token);
  let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}${END_OF_WORD}`];
  while (word.length > 1) {
    let best: [string, string] | undefined;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) {
      const rank = ranks.get(`${word[i]} ${word[i + 1]}`) ?? Infinity;
      if (rank < bestRank) [best, bestRank] = [[word[i] as string, word[i + 1] as string], rank];
    }
    if (!best) break;
    const [first, second] = best;
    const next: string[] = [];
    let i = 0;
    while (i < word.length) {
      const j = word.indexOf(first, i);
      if (j === -1) {
        next.push(...word.slice(i));
        break;
      }
      next.push(...word.slice(i, j));
      i = j;
      if (word[i] === first && i < word.length - 1 && word[i + 1] === second) {
        next.push(first + second);
        i += 2;
      } else {
        next.push(word[i] as string);
        i += 1;
      }
    }
    word = next;
  }
  return word;
}

function randomText(random: () => number, length: number, alphabet: string[]): string {
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('BpeMerger', () => {
  const merger = new BpeMerger(merges);

  it('ranks every pair after the merges that produced its parts (what the heap version relies on)', () => {
    const madeAt = new Map<string, number>();
    merges.forEach((pair, rank) => {
      for (const part of pair.split(' ')) {
        const made = madeAt.get(part);
        assert.ok(made === undefined || made < rank, `${pair} (rank ${rank}) uses ${part}, made at rank ${made}`);
      }
      if (!madeAt.has(pair.replace(' ', ''))) madeAt.set(pair.replace(' ', ''), rank);
    });
  });

  it('matches the literal loop on short and long words', () => {
    const random = mulberry32(1234);
    const alphabets = [
      'etaoinshrdlu'.split(''),
      'abcdefghijklmnopqrstuvwxyz'.split(''),
      ['😀', '🎩', '富', '士', 'é', 'ж', 'a', '1'],
      ['a', 'b'],
    ];
    for (let trial = 0; trial < 300; trial++) {
      const alphabet = alphabets[trial % alphabets.length] as string[];
      const length = trial < 150 ? 1 + Math.floor(random() * 20) : 60 + Math.floor(random() * 400);
      const token = encodeBytes(randomText(random, length, alphabet));
      assert.deepEqual(merger.merge(token), literalBpe(token), `trial ${trial}`);
    }
  });

  it('merges repeated and overlapping pairs left to right', () => {
    for (const text of ['a'.repeat(3), 'a'.repeat(65), 'a'.repeat(301), 'ab'.repeat(80), 'aab'.repeat(50)]) {
      const token = encodeBytes(text);
      assert.deepEqual(merger.merge(token), literalBpe(token), text.slice(0, 12));
    }
  });

  it('returns no pieces for an empty word and `x</w>` for a single character', () => {
    assert.deepEqual(merger.merge(''), []);
    assert.deepEqual(merger.merge('x'), ['x</w>']);
  });
});

describe('byte alphabet', () => {
  it('orders the 256 bytes as bytes_to_unicode() does and round-trips every byte', () => {
    const { bytes, encoder } = byteAlphabet();
    assert.equal(new Set(bytes).size, 256);
    assert.deepEqual(bytes.slice(0, 3), [33, 34, 35]);
    assert.equal(encoder[32], '\u0120'); // space -> 'Ġ'
    assert.equal(encoder[0], '\u0100');
    assert.equal(encoder[173], '\u0143'); // the last non-printable byte gets 256 + 67
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(decodeBytes(Array.from(all, (b) => encoder[b]).join('')), all);
  });
});
