// CLIP tokenizer: ids identical to openai's SimpleTokenizer for every oracle prompt (both vocabulary forms,
// both padding layouts), derived Unicode/HTML cases, truncation, long inputs, bad input and load time.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ClipTokenizer } from '../../../src/worker/tokenizer/index.ts';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';

interface OraclePrompt {
  name: string; text: string; normalized: string; bpe_tokens: string[]; ids: number[]; truncated: boolean;
  input_ids_pad_eos: number[]; input_ids_pad_zero: number[]; decoded: string;
}
interface DerivedPrompt { name: string; text: string; normalized: string; ids: number[]; decoded: string }

const fixture = (path: string) => new URL(`../../fixtures/${path}`, import.meta.url);
const vocabJson = readFileSync(fixture('clip/vocab.json'), 'utf8');
const mergesTxt = readFileSync(fixture('clip/merges.txt'), 'utf8');
const openAiBpe = gunzipSync(readFileSync(fixture('clip/bpe_simple_vocab_16e6.txt.gz'))).toString('utf8');
const oracle = JSON.parse(readFileSync(fixture('oracle/clip-tokenizer.json'), 'utf8')) as {
  prompts: OraclePrompt[]; start_token: number; end_token: number; vocab_size: number; context_length: number;
};
const derived = JSON.parse(readFileSync(new URL('./derived-cases.json', import.meta.url), 'utf8')) as { prompts: DerivedPrompt[] };
const vocab = JSON.parse(vocabJson) as Record<string, number>;
const tokenOf = new Map(Object.entries(vocab).map(([token, id]) => [id, token]));

function rejects(fn: () => unknown, code: string, detail?: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isDiffusionError(error), `expected a DiffusionError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (detail) assert.ok(detail in error.details, `details lack ${detail}: ${JSON.stringify(error.details)}`);
    return true;
  });
}

const forms: [string, () => ClipTokenizer][] = [
  ['fromFiles (Hugging Face vocab.json + merges.txt)', () => ClipTokenizer.fromFiles(vocabJson, mergesTxt)],
  ['fromOpenAiBpe (bpe_simple_vocab_16e6.txt)', () => ClipTokenizer.fromOpenAiBpe(openAiBpe)],
];

for (const [label, load] of forms) {
  describe(`ClipTokenizer.${label}`, () => {
    let tokenizer: ClipTokenizer;
    before(() => { tokenizer = load(); });

    it('has CLIP\'s special tokens and size', () => {
      assert.equal(tokenizer.startTokenId, oracle.start_token);
      assert.equal(tokenizer.endTokenId, oracle.end_token);
      assert.equal(tokenizer.vocabSize, oracle.vocab_size);
    });

    for (const prompt of oracle.prompts) {
      it(`matches the oracle: ${prompt.name}`, () => {
        const ids = tokenizer.encode(prompt.text);
        assert.deepEqual(ids, prompt.ids);
        assert.deepEqual(ids.map((id) => tokenOf.get(id)), prompt.bpe_tokens);
        assert.deepEqual(Array.from(tokenizer.encodeForModel(prompt.text)), prompt.input_ids_pad_eos);
        assert.deepEqual(Array.from(tokenizer.encodeForModel(prompt.text, { padTokenId: 0 })), prompt.input_ids_pad_zero);
        assert.equal(tokenizer.decode(ids), prompt.decoded);
        assert.equal(ids.length + 2 > oracle.context_length, prompt.truncated);
      });
    }

    for (const prompt of derived.prompts) {
      it(`matches the derived case: ${prompt.name}`, () => {
        const ids = tokenizer.encode(prompt.text);
        assert.deepEqual(ids, prompt.ids);
        assert.equal(tokenizer.decode(ids), prompt.decoded);
        const row = Array.from(tokenizer.encodeForModel(prompt.text));
        const kept = ids.slice(0, 75);
        assert.deepEqual(row, [49406, ...kept, 49407, ...new Array<number>(75 - kept.length).fill(49407)]);
      });
    }
  });
}

describe('ClipTokenizer rows', () => {
  const tokenizer = ClipTokenizer.fromFiles(vocabJson, mergesTxt);
  const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

  it('truncates at 77: the first 75 ids, then the end token', () => {
    const ids = tokenizer.encode(long);
    assert.ok(ids.length > 75);
    const row = tokenizer.encodeForModel(long);
    assert.equal(row.length, 77);
    assert.deepEqual(Array.from(row), [49406, ...ids.slice(0, 75), 49407]);
    assert.deepEqual(Array.from(tokenizer.encodeForModel(long, { padTokenId: 0 })), Array.from(row));
  });

  it('honours a custom length, down to 2', () => {
    const ids = tokenizer.encode('a photo of a cat');
    assert.deepEqual(Array.from(tokenizer.encodeForModel('a photo of a cat', { length: 10, padTokenId: 0 })), [49406, ...ids, 49407, 0, 0, 0]);
    assert.deepEqual(Array.from(tokenizer.encodeForModel('a photo of a cat', { length: 4 })), [49406, ...ids.slice(0, 2), 49407]);
    assert.deepEqual(Array.from(tokenizer.encodeForModel('a photo of a cat', { length: 2 })), [49406, 49407]);
    assert.equal(tokenizer.encodeForModel(long, { length: 128 }).length, 128);
  });

  it('round-trips emoji, CJK and astral characters through byte-level tokens', () => {
    for (const text of ['🦄✨ 富士山 𝄞 👩‍🚀', '日本語のテキスト', '🇫🇷🇩🇪']) {
      const ids = tokenizer.encode(text);
      assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < 49406));
      assert.equal(tokenizer.decode(ids).replaceAll(' ', ''), text.replaceAll(' ', ''));
    }
  });

  it('survives lone surrogates, NUL and other controls without throwing', () => {
    for (const text of ['\ud800', '\udfff\ud800', 'x\u0000y', '\u0000', '\u001b[', '\ufffe\uffff']) {
      const ids = tokenizer.encode(text);
      assert.ok(ids.every((id) => Number.isInteger(id)));
      assert.equal(tokenizer.encodeForModel(text).length, 77);
    }
    assert.equal(tokenizer.decode(tokenizer.encode('\ud800')), '\ufffd ');
  });

  it('decodes invalid UTF-8 with U+FFFD and keeps a leading BOM byte sequence', () => {
    const lead = vocab['ð'] as number; // byte 0xF0 alone: a truncated 4-byte sequence
    assert.equal(tokenizer.decode([lead, vocab['a</w>'] as number]), '\ufffda ');
    assert.equal(tokenizer.decode([]), '');
  });

  it('tokenizes 100,000 characters quickly, and stops early for a model row', () => {
    const huge = 'a very detailed photo of a red fox in the snow, '.repeat(2100).slice(0, 100_000);
    let start = performance.now();
    const row = tokenizer.encodeForModel(huge);
    const rowMs = performance.now() - start;
    start = performance.now();
    const all = tokenizer.encode(huge);
    const allMs = performance.now() - start;
    assert.deepEqual(Array.from(row), [49406, ...all.slice(0, 75), 49407]);
    for (const text of ['x'.repeat(100_000), '😀'.repeat(50_000), '富'.repeat(100_000)]) {
      start = performance.now();
      const head = tokenizer.encodeForModel(text);
      const ids = tokenizer.encode(text); // one word with up to 300,000 ids
      assert.deepEqual(Array.from(head), [49406, ...ids.slice(0, 75), 49407]);
      assert.ok(performance.now() - start < 5000, 'a 100k-character word stays fast');
    }
    console.log(`  100k-character prompt: encodeForModel ${rowMs.toFixed(1)} ms, encode ${allMs.toFixed(1)} ms (${all.length} tokens)`);
    assert.ok(rowMs < 1000 && allMs < 5000);
  });
});

describe('ClipTokenizer loading and bad input', () => {
  it('loads vocab.json + merges.txt fast', () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      ClipTokenizer.fromFiles(vocabJson, mergesTxt);
      times.push(performance.now() - start);
    }
    const best = Math.min(...times);
    console.log(`  fromFiles: ${times.map((t) => t.toFixed(1)).join(', ')} ms (best ${best.toFixed(1)} ms)`);
    assert.ok(best < 1000, 'generous bound: the machine running the tests may be busy');
  });

  it('rejects a non-string prompt with invalid-prompt', () => {
    const tokenizer = ClipTokenizer.fromFiles(vocabJson, mergesTxt);
    for (const bad of [undefined, null, 42, {}, ['a'], Symbol('x')]) {
      rejects(() => tokenizer.encode(bad as unknown as string), 'invalid-prompt', 'type');
      rejects(() => tokenizer.encodeForModel(bad as unknown as string), 'invalid-prompt', 'type');
    }
  });

  it('rejects bad row options and unknown ids', () => {
    const tokenizer = ClipTokenizer.fromFiles(vocabJson, mergesTxt);
    rejects(() => tokenizer.encodeForModel('a', { length: 1 }), 'invalid-argument', 'length');
    rejects(() => tokenizer.encodeForModel('a', { length: 7.5 }), 'invalid-argument', 'length');
    rejects(() => tokenizer.encodeForModel('a', { padTokenId: -1 }), 'invalid-argument', 'padTokenId');
    rejects(() => tokenizer.decode([320, 99999]), 'invalid-argument', 'id');
    rejects(() => ClipTokenizer.fromFiles(vocabJson, mergesTxt, { unkTokenId: 1.5 }), 'invalid-argument', 'unkTokenId');
  });

  it('rejects malformed vocabularies with invalid-model and details', () => {
    rejects(() => ClipTokenizer.fromFiles('{not json', mergesTxt), 'invalid-model', 'file');
    rejects(() => ClipTokenizer.fromFiles('[1, 2]', mergesTxt), 'invalid-model', 'file');
    rejects(() => ClipTokenizer.fromFiles('{}', mergesTxt), 'invalid-model', 'file');
    rejects(() => ClipTokenizer.fromFiles('{"a": "x"}', mergesTxt), 'invalid-model', 'token');
    rejects(() => ClipTokenizer.fromFiles('{"a": 0, "b": 1}', mergesTxt), 'invalid-model', 'startToken');
    rejects(() => ClipTokenizer.fromFiles(vocabJson, '#version: 0.2\n'), 'invalid-model', 'file');
    rejects(() => ClipTokenizer.fromFiles(vocabJson, '#version: 0.2\ni n\nthree part line\n'), 'invalid-model', 'line');
    rejects(() => ClipTokenizer.fromFiles(undefined as unknown as string, mergesTxt), 'invalid-model', 'type');
    rejects(() => ClipTokenizer.fromOpenAiBpe('header only\n'), 'invalid-model', 'file');
    rejects(() => ClipTokenizer.fromOpenAiBpe('header\na b c\n'), 'invalid-model', 'line');
  });

  it('maps a BPE piece missing from the vocabulary to unkTokenId (default: the end token)', () => {
    // A toy vocabulary whose merges produce "ab</w>" but which never lists it.
    const toy = JSON.stringify({ 'a': 0, 'b': 1, 'c</w>': 2, '<|startoftext|>': 3, '<|endoftext|>': 4 });
    const merges = '#version: 0.2\na b</w>\n';
    assert.deepEqual(ClipTokenizer.fromFiles(toy, merges).encode('ab c'), [4, 2]);
    assert.deepEqual(ClipTokenizer.fromFiles(toy, merges, { unkTokenId: 0 }).encode('ab c zz'), [0, 2, 0, 0]);
  });
});
