/**
 * The Mersenne Twister MT19937 that torch's CPU generator runs (`at::mt19937`): classic `init_genrand`
 * seeding and tempering, so its output equals numpy's `RandomState(seed)` and C++ `std::mt19937(seed)`.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/** A 32-bit Mersenne Twister with its 624-word state in a `Uint32Array`. */
export class Mt19937 {
  readonly #state = new Uint32Array(N);
  #index = N;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** Restarts the stream from a 32-bit seed (`init_genrand`); the next draw regenerates the state, as in torch. */
  seed(seed: number): void {
    const state = this.#state;
    state[0] = seed >>> 0;
    for (let j = 1; j < N; j += 1) {
      const prev = state[j - 1] ^ (state[j - 1] >>> 30);
      // Math.imul keeps the low 32 bits of the product exactly; a double multiply would lose them.
      state[j] = Math.imul(1812433253, prev) + j;
    }
    this.#index = N;
  }

  /** The next tempered 32-bit output, as an unsigned integer. */
  next(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#state[this.#index];
    this.#index += 1;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Advances the stream by `count` outputs without tempering them (draws that are made and never used). */
  discard(count: number): void {
    for (let left = count; left > 0;) {
      if (this.#index >= N) this.#twist();
      const take = Math.min(left, N - this.#index);
      this.#index += take;
      left -= take;
    }
  }

  /** Writes the low 24 bits of the next `count` outputs to `target` from `offset` (the float32 uniforms' integers). */
  fill24(target: Int32Array, offset: number, count: number): void {
    const state = this.#state;
    let index = this.#index;
    for (let i = 0; i < count; i += 1) {
      if (index >= N) {
        this.#twist();
        index = 0;
      }
      let y = state[index];
      index += 1;
      y ^= y >>> 11;
      y ^= (y << 7) & 0x9d2c5680;
      y ^= (y << 15) & 0xefc60000;
      y ^= y >>> 18;
      target[offset + i] = y & 0xffffff;
    }
    this.#index = index;
  }

  /** Regenerates all 624 words (the standard twist, updated in place like the reference). */
  #twist(): void {
    const state = this.#state;
    let kk = 0;
    for (; kk < N - M; kk += 1) {
      const y = (state[kk] & UPPER) | (state[kk + 1] & LOWER);
      state[kk] = state[kk + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; kk < N - 1; kk += 1) {
      const y = (state[kk] & UPPER) | (state[kk + 1] & LOWER);
      state[kk] = state[kk + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (state[N - 1] & UPPER) | (state[0] & LOWER);
    state[N - 1] = state[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.#index = 0;
  }
}
