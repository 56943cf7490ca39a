/**
 * numpy's `SeedSequence(entropy, spawn_key=..., pool_size=...).generate_state(n)` (numpy/random/bit_generator.pyx,
 * numpy >= 1.19), word for word: torchsde's Brownian tree seeds every node's noise from one of these, so the tree's
 * numbers depend on it bit for bit. Pure 32-bit integer arithmetic: `Math.imul` and `>>> 0` stand for C's uint32.
 */

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const MASK32 = 0xffffffffn;

/** A non-negative integer of any size, as numpy accepts for `entropy` and each spawn-key entry. */
export type SeedWord = number | bigint;

/** `_int_to_uint32_array`: the integer's 32-bit words, least significant first; 0 is one zero word. */
function uint32Words(value: SeedWord): number[] {
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`SeedSequence: ${n} is negative.`);
  if (n === 0n) return [0];
  const words: number[] = [];
  for (; n > 0n; n >>= 32n) words.push(Number(n & MASK32));
  return words;
}

/** `get_assembled_entropy`: the run entropy, zero-padded to the pool size when a spawn key follows, then the key. */
function assembledEntropy(entropy: SeedWord, spawnKey: readonly SeedWord[], poolSize: number): number[] {
  const run = uint32Words(entropy);
  const spawn = spawnKey.flatMap(uint32Words);
  // numpy 1.19 pads here (gh-16539) so that spawned sequences cannot collide with unspawned ones.
  if (spawn.length > 0 && run.length < poolSize) run.push(...new Array<number>(poolSize - run.length).fill(0));
  return [...run, ...spawn];
}

/** `mix_entropy`: hashes the entropy words into a pool of `poolSize` words. */
function mixEntropy(entropy: readonly number[], poolSize: number): Uint32Array {
  let hashConst = INIT_A;
  const hashmix = (input: number): number => {
    let value = (input ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> XSHIFT)) >>> 0;
  };
  const pool = new Uint32Array(poolSize);
  for (let i = 0; i < poolSize; i += 1) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
  for (let src = 0; src < poolSize; src += 1) {
    for (let dst = 0; dst < poolSize; dst += 1) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
  }
  for (let src = poolSize; src < entropy.length; src += 1) {
    for (let dst = 0; dst < poolSize; dst += 1) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));
  }
  return pool;
}

/** `np.random.SeedSequence(entropy, spawn_key=spawnKey, pool_size=poolSize).generate_state(nWords)` (uint32). */
export function seedSequenceState(
  entropy: SeedWord, spawnKey: readonly SeedWord[], poolSize: number, nWords: number,
): Uint32Array {
  const pool = mixEntropy(assembledEntropy(entropy, spawnKey, poolSize), poolSize);
  const state = new Uint32Array(nWords);
  let hashConst = INIT_B;
  for (let i = 0; i < nWords; i += 1) {
    let value = (pool[i % poolSize]! ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    state[i] = (value ^ (value >>> XSHIFT)) >>> 0;
  }
  return state;
}
