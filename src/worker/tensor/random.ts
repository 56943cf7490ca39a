/**
 * A bit-exact port of torch 1.13's CPU generator for `torch.randn` and `torch.rand` in float32, so a seed gives the
 * same initial latents (and ancestral-sampler noise) as diffusers with `torch.Generator().manual_seed(seed)`.
 *
 * Two paths, as in torch (docs/torch-randn.md in the shared docs): fewer than 16 elements use the scalar
 * double-precision Box-Muller with a cached second value that lives in the generator across calls; 16 or more use
 * the AVX2 kernel's float32 Box-Muller over chunks of 16, recomputing the last 16 with fresh uniforms when the count
 * is not a multiple of 16. Numbers match torch on x86-64 with AVX2; torch on ARM (no AVX2 kernel) differs.
 * Pure computation: no DOM, works in Node and in a worker.
 */

import { DiffusionError } from '../protocol/errors.ts';
import { normalFill16 } from './random/avx2-normal.ts';
import { Mt19937 } from './random/mt19937.ts';

/** The seed of a `torch.Generator()` nobody seeded (`default_rng_seed_val`, 67280421310721) — its low 32 bits. */
const DEFAULT_SEED = 4053586177;
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;

/** torch's CPU random generator: MT19937 plus the cached normal of the scalar path. */
export class TorchGenerator {
  readonly #engine: Mt19937;
  readonly #draws = new Int32Array(16);
  #seed = DEFAULT_SEED;
  #hasCachedNormal = false;
  #cachedNormal = 0;

  /** Seeds like `torch.Generator().manual_seed(seed)`; without a seed, like an unseeded `torch.Generator()`. */
  constructor(seed?: number | bigint) {
    this.#engine = new Mt19937(DEFAULT_SEED);
    if (seed !== undefined) this.manualSeed(seed);
  }

  /** The low 32 bits of the seed, which are all torch uses. */
  get initialSeed(): number {
    return this.#seed;
  }

  /** Restarts the stream like `manual_seed` (only the low 32 bits count) and forgets the cached normal. */
  manualSeed(seed: number | bigint): this {
    this.#seed = lowBits(seed);
    this.#engine.seed(this.#seed);
    this.#hasCachedNormal = false;
    return this;
  }

  /** `torch.randn(n)` in float32, continuing this generator's stream. */
  randn(n: number): Float32Array {
    checkCount(n, 'randn');
    const out = new Float32Array(n);
    if (n < 16) {
      for (let i = 0; i < n; i += 1) out[i] = this.#normalDouble();
      return out;
    }
    const draws = this.#draws;
    const whole = n - (n % 16);
    for (let at = 0; at < whole; at += 16) {
      this.#engine.fill24(draws, 0, 16);
      normalFill16(draws, 0, out, at);
    }
    if (whole !== n) {
      // torch draws uniforms for every element first, then overwrites the last 16 with fresh ones: the leftover
      // draws are consumed but unused, and the tail chunk overlaps (and replaces) the end of the previous one.
      for (let i = whole; i < n; i += 1) this.#engine.next();
      this.#engine.fill24(draws, 0, 16);
      normalFill16(draws, 0, out, n - 16);
    }
    return out;
  }

  /**
   * Advances the stream exactly as `randn(n)` would, without computing the values: for draws that diffusers makes
   * and then leaves unused (Euler's noise when churn is off), which would otherwise cost ~1 ms per 512x512 step.
   */
  skipRandn(n: number): void {
    checkCount(n, 'skipRandn');
    if (n < 16) {
      for (let i = 0; i < n; i += 1) this.#normalDouble();
      return;
    }
    // The vectorised path consumes one output per value, plus 16 more for a tail chunk when n is not a multiple of 16.
    this.#engine.discard(n % 16 === 0 ? n : n + 16);
  }

  /** `torch.rand(n)` in float32: uniforms in [0, 1) from the low 24 bits of one draw each. */
  rand(n: number): Float32Array {
    checkCount(n, 'rand');
    const out = new Float32Array(n);
    const draws = this.#draws;
    for (let at = 0; at < n; at += 16) {
      const count = Math.min(16, n - at);
      this.#engine.fill24(draws, 0, count);
      for (let i = 0; i < count; i += 1) out[at + i] = draws[i] * TWO_POW_M24;
    }
    return out;
  }

  /** `at::normal_distribution<double>(0, 1)`: Box-Muller in double, returning the cosine and caching the sine. */
  #normalDouble(): number {
    if (this.#hasCachedNormal) {
      this.#hasCachedNormal = false;
      return this.#cachedNormal;
    }
    const u1 = this.#uniformDouble();
    const u2 = this.#uniformDouble();
    const radius = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.#cachedNormal = radius * Math.sin(theta);
    this.#hasCachedNormal = true;
    return radius * Math.cos(theta);
  }

  /** A double in [0, 1) from the low 53 bits of `random64()`, whose first draw is the high word. */
  #uniformDouble(): number {
    const high = this.#engine.next() & 0x1fffff;
    const low = this.#engine.next();
    return (high * TWO_POW_32 + low) * TWO_POW_M53;
  }
}

/** The low 32 bits of a validated seed (a non-negative integer number or bigint). */
function lowBits(seed: number | bigint): number {
  if (typeof seed === 'bigint') {
    if (seed < 0n) throw invalidSeed(seed);
    return Number(BigInt.asUintN(32, seed));
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) throw invalidSeed(seed);
  // The remainder of doubles is exact, so this is right even for integers beyond 2^53.
  return seed % TWO_POW_32;
}

function invalidSeed(seed: unknown): DiffusionError {
  return new DiffusionError('invalid-seed', `The seed must be a non-negative integer, got ${String(seed)}.`, {
    details: { seed: typeof seed === 'bigint' ? seed.toString() : seed },
  });
}

function checkCount(n: number, method: string): void {
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) return;
  throw new DiffusionError('invalid-argument', `${method}() needs a non-negative integer count, got ${String(n)}.`, {
    details: { n },
  });
}
