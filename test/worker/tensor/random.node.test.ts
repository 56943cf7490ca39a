// TorchGenerator against torch 1.13 CPU: the torch oracle, the cases derived from the reference port, the scalar
// cache across calls, seed handling, an exact check of fma32's half-way case, and the error codes for bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TorchGenerator } from '../../../src/worker/tensor/random.ts';
import { fma32 } from '../../../src/worker/tensor/random/fma32.ts';
import { logOfUnit, writeSinCos } from '../../../src/worker/tensor/random/avx2-normal.ts';
import { isDiffusionError } from '../../../src/worker/protocol/errors.ts';

interface OracleCase { seed: number; shape: number[]; numel: number; sha256_f32le?: string; values: number[] }
interface DerivedCall {
  op: 'randn' | 'rand'; n: number; sha256_f32le: string; values?: number[]; first?: number[]; last?: number[];
}
interface DerivedSequence { seed: number | string | null; seed_kind: 'number' | 'bigint' | 'default'; note: string; calls: DerivedCall[] }

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/oracle/${name}`, import.meta.url), 'utf8')) as T;
}

const oracle = fixture<{ randn_manual_seed: OracleCase[] }>('torch-randn.json');
const derived = fixture<{ sequences: DerivedSequence[] }>('torch-randn-derived.json');

function sha256(values: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

/** Asserts identical float32 bit patterns (so -0 and 0 differ), naming the first differing index. */
function assertBits(actual: Float32Array, expected: ArrayLike<number>, label: string): void {
  const want = new Uint32Array(Float32Array.from(expected).buffer);
  const got = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  assert.equal(got.length, want.length, `${label}: length`);
  const at = got.findIndex((bits, i) => bits !== want[i]);
  assert.equal(at, -1, `${label}: element ${at} is ${actual[at]}, torch has ${expected[at]}`);
}

function generatorFor(sequence: DerivedSequence): TorchGenerator {
  if (sequence.seed_kind === 'default') return new TorchGenerator();
  if (sequence.seed_kind === 'bigint') return new TorchGenerator(BigInt(sequence.seed as string));
  return new TorchGenerator(sequence.seed as number);
}

describe('TorchGenerator against torch 1.13 (test/fixtures/oracle/torch-randn.json)', () => {
  for (const c of oracle.randn_manual_seed) {
    it(`manual_seed(${c.seed}); randn(${c.shape.join(', ')})`, () => {
      const values = new TorchGenerator(c.seed).randn(c.numel);
      assertBits(values, c.values, `seed ${c.seed}`);
      if (c.sha256_f32le) assert.equal(sha256(values), c.sha256_f32le);
    });
  }
});

describe('TorchGenerator against the reference port (torch-randn-derived.json)', () => {
  for (const sequence of derived.sequences) {
    const calls = sequence.calls.map((call) => `${call.op}(${call.n})`).join(', ');
    it(`seed ${sequence.seed ?? 'default'} (${sequence.seed_kind}): ${calls}`, () => {
      const generator = generatorFor(sequence);
      sequence.calls.forEach((call, k) => {
        const values = call.op === 'randn' ? generator.randn(call.n) : generator.rand(call.n);
        const label = `call ${k} ${call.op}(${call.n})`;
        if (call.values) assertBits(values, call.values, label);
        if (call.first) assertBits(values.subarray(0, call.first.length), call.first, `${label} head`);
        if (call.last) assertBits(values.subarray(values.length - call.last.length), call.last, `${label} tail`);
        assert.equal(sha256(values), call.sha256_f32le, `${label}: sha256`);
      });
    });
  }
});

describe('TorchGenerator behaviour', () => {
  it('keeps the scalar path\'s cached sine across a vectorised call; manualSeed clears it', () => {
    const pair = new TorchGenerator(0).randn(2);
    const generator = new TorchGenerator(0);
    assertBits(generator.randn(1), [pair[0]], 'first randn(1)');
    generator.randn(16);
    assertBits(generator.randn(1), [pair[1]], 'randn(1) after randn(16)');
    generator.randn(1);
    assert.equal(generator.manualSeed(0), generator);
    assertBits(generator.randn(1), [pair[0]], 'randn(1) after manualSeed');
  });

  it('skipRandn(n) leaves the stream where randn(n) does, for every path (scalar, whole chunks, tail chunk)', () => {
    for (const n of [1, 3, 15, 16, 17, 31, 32, 623, 624, 625, 1000, 16384, 16385]) {
      for (const after of [1, 5, 16, 100]) {
        const drawn = new TorchGenerator(7);
        drawn.randn(3); // an odd scalar draw first, so a cached sine is in play
        drawn.randn(n);
        const skipped = new TorchGenerator(7);
        skipped.randn(3);
        skipped.skipRandn(n);
        assert.deepEqual(skipped.randn(after), drawn.randn(after), `n = ${n}, then ${after}`);
      }
    }
  });

  it('uses only the low 32 bits of the seed, for numbers and bigints', () => {
    const zero = new TorchGenerator(0).randn(33);
    assertBits(new TorchGenerator(2 ** 32).randn(33), zero, 'seed 2**32');
    assertBits(new TorchGenerator(2n ** 40n).randn(33), zero, 'seed 2n**40n');
    assert.equal(new TorchGenerator(2 ** 32 + 42).initialSeed, 42);
    assert.equal(new TorchGenerator(0xdeadbeefcafebaben).initialSeed, 0xcafebabe);
    assert.equal(new TorchGenerator(2 ** 60 + 2 ** 31).initialSeed, 2 ** 31);
  });

  it('defaults to the seed of an unseeded torch.Generator()', () => {
    const generator = new TorchGenerator();
    assert.equal(generator.initialSeed, 4053586177);
    assertBits(generator.randn(20), new TorchGenerator(67280421310721).randn(20), 'default seed');
  });

  it('makes uniforms in [0, 1) and empty outputs for n = 0', () => {
    const values = new TorchGenerator(5).rand(10000);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    assert.equal(new TorchGenerator(5).randn(0).length, 0);
    assert.equal(new TorchGenerator(5).rand(0).length, 0);
  });
});

describe('TorchGenerator rejects bad input', () => {
  for (const seed of [1.5, Number.NaN, -1, -1n, Infinity, '7', null]) {
    it(`seed ${String(seed)} -> invalid-seed`, () => {
      assert.throws(() => new TorchGenerator(seed as number), (e) => isDiffusionError(e, 'invalid-seed'));
      assert.throws(() => new TorchGenerator(1).manualSeed(seed as number), (e) => isDiffusionError(e, 'invalid-seed'));
    });
  }
  for (const n of [-1, 2.5, Number.NaN, Infinity, '16', 2 ** 53]) {
    it(`n = ${String(n)} -> invalid-argument`, () => {
      assert.throws(() => new TorchGenerator(1).randn(n as number), (e) => isDiffusionError(e, 'invalid-argument'));
      assert.throws(() => new TorchGenerator(1).rand(n as number), (e) => isDiffusionError(e, 'invalid-argument'));
    });
  }
});

/** `x` as an exact `mantissa * 2^exponent` with a BigInt mantissa. */
function decompose(x: number): [bigint, number] {
  const bits = new BigUint64Array(new Float64Array([x]).buffer)[0];
  const sign = bits >> 63n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return exponent === 0 ? [sign * fraction, -1074] : [sign * (fraction | (1n << 52n)), exponent - 1075];
}

/** round32(a * b + c) computed exactly with BigInts (normal float32 range), the specification fma32 must meet. */
function exactFma32(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const low = Math.min(ea + eb, ec);
  const sum = ((ma * mb) << BigInt(ea + eb - low)) + (mc << BigInt(ec - low));
  if (sum === 0n) return 0;
  const magnitude = sum < 0n ? -sum : sum;
  const shift = magnitude.toString(2).length - 24;
  if (shift <= 0) return Number(sum) * 2 ** low;
  let q = magnitude >> BigInt(shift);
  const rest = magnitude - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  return (sum < 0n ? -1 : 1) * Number(q) * 2 ** (low + shift);
}

describe('fma32', () => {
  it('rounds once where the double sum lands half-way between two float32s', () => {
    // a*b = 2^-24 - 2^-60: the double sum rounds to the half-way point 1 + 3*2^-24, where ties-to-even would go up.
    const a = Math.fround(1 + 2 ** -18);
    const b = Math.fround(2 ** -24 * (1 - 2 ** -18));
    const c = Math.fround(1 + 2 ** -23);
    assert.equal(Math.fround(a * b + c), 1 + 2 ** -22, 'the naive double-then-float32 result is wrong here');
    assert.equal(fma32(a, b, c), 1 + 2 ** -23);
    assert.equal(fma32(-a, b, -c), -(1 + 2 ** -23));
    assert.equal(fma32(a, -b, c), exactFma32(a, -b, c));
  });

  it('equals the exact BigInt result on random, short-mantissa and constructed half-way inputs', () => {
    let state = 12345;
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const int = (below: number): number => Math.floor(next() * below);
    const value = (bits: number, span: number): number =>
      Math.fround((next() < 0.5 ? -1 : 1) * (int(2 ** bits) + 1) * 2 ** (int(span) - span / 2 - bits));
    let naiveWrong = 0;
    const check = (a: number, b: number, c: number): void => {
      const exact = exactFma32(a, b, c);
      assert.equal(fma32(a, b, c), exact, `fma32(${a}, ${b}, ${c})`);
      if (Math.fround(a * b + c) !== exact) naiveWrong += 1;
    };
    for (let i = 0; i < 50000; i += 1) check(value(i % 2 ? 24 : 1 + (i % 12), 8), value(24, 8), value(24, 80));
    // a*b = ±K(1 - 2^-2j) with K = odd * half an ulp of c: the exact sum misses a float32 midpoint by less than the
    // double ulp, so the double sum is that midpoint and only the error term knows the way to round.
    for (let i = 0; i < 20000; i += 1) {
      const oddBits = 1 + int(6);
      const j = Math.ceil((30 + oddBits) / 2) + int(24 - oddBits - Math.ceil((30 + oddBits) / 2) + 1);
      const scale = 2 ** (int(40) - 20);
      const c = Math.fround((1 + int(2 ** 23) * 2 ** -23) * scale) * (next() < 0.5 ? -1 : 1);
      const k = (2 * int(2 ** (oddBits - 1)) + 1) * 2 ** -24 * scale * (next() < 0.5 ? -1 : 1);
      check(Math.fround(1 + 2 ** -j), Math.fround(k * (1 - 2 ** -j)), c);
    }
    assert.ok(naiveWrong > 1000, `only ${naiveWrong} cases where a double multiply-add then fround is wrong`);
  });
});

// An independent, slow port of avx_mathfun.h's log256_ps / sincos256_ps (as in torch_rng_ref.py) with a true FMA
// (fma32) at every site GCC fused, to check the fast kernel's plain multiply-adds input by input.
const f = Math.fround;
const LOG_P = [7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function referenceLog(u: number): number {
  f32[0] = u;
  let e = f(((u32[0] >>> 23) - 127) + 1);
  u32[0] = (u32[0] & 0x807fffff) | 0x3f000000;
  let x = f32[0];
  const below = x < f(0.707106781186547524);
  const tmp = below ? x : 0;
  x = f(x - 1);
  if (below) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0];
  for (const p of LOG_P.slice(1)) y = fma32(y, x, p);
  y = f(y * x);
  y = fma32(y, z, f(e * f(-2.12194440e-4)));
  y = fma32(-z, 0.5, y);
  return fma32(e, f(0.693359375), f(x + y));
}

function referenceSinCos(theta: number): [number, number] {
  let j = Math.trunc(f(theta * f(1.27323954473516)));
  j = (j + 1) & ~1;
  let x = fma32(j, f(-0.78515625), theta);
  x = fma32(j, f(-2.4187564849853515625e-4), x);
  x = fma32(j, f(-3.77489497744594108e-8), x);
  const z = f(x * x);
  let yc = fma32(f(2.443315711809948e-5), z, f(-1.388731625493765e-3));
  yc = fma32(yc, z, f(4.166664568298827e-2));
  yc = fma32(f(yc * z), z, -f(z * 0.5));
  yc = f(yc + 1);
  let ys = fma32(f(-1.9515295891e-4), z, f(8.3321608736e-3));
  ys = fma32(ys, z, f(-1.6666654611e-1));
  ys = fma32(f(ys * z), x, x);
  const [sin, cos] = (j & 2) === 0 ? [ys, yc] : [yc, ys];
  return [(j & 4) !== 0 ? -sin : sin, ((j - 2) & 4) === 0 ? -cos : cos];
}

describe('the AVX2 kernel\'s plain multiply-adds equal true FMAs', () => {
  // Every 2^24 input with TORCH_RANDN_EXHAUSTIVE=1 (about 10 s here), else a stride through all binades.
  const step = process.env.TORCH_RANDN_EXHAUSTIVE === '1' ? 1 : 997;
  it(`log256 of 1 - k * 2^-24 for k = 0 .. 2^24 - 1 (step ${step})`, () => {
    for (let m = 1; m <= 0x1000000; m += m < 4096 ? 1 : step) {
      const want = referenceLog(m * 2 ** -24);
      if (!Object.is(logOfUnit(m), want)) assert.fail(`log256(${m} * 2^-24): ${logOfUnit(m)} != ${want}`);
    }
  });
  it(`sincos256 of float32(2 pi * k * 2^-24) for k = 0 .. 2^24 - 1 (step ${step})`, () => {
    const out = new Float32Array(16);
    const twoPi = f(2 * Math.PI);
    for (let k = 0; k < 0x1000000; k += k < 4096 ? 1 : step) {
      const theta = f(twoPi * (k * 2 ** -24));
      const [sin, cos] = referenceSinCos(theta);
      writeSinCos(theta, 1, out, 0);
      if (!Object.is(out[0], f(cos)) || !Object.is(out[8], f(sin))) assert.fail(`sincos256(${theta}) for k = ${k}`);
    }
  });
});
