/**
 * Incremental SHA-256 (FIPS 180-4) in plain TypeScript.
 *
 * WebCrypto's `digest` needs the whole input at once, which for a 1.7 GB weights file means a second full copy in
 * memory. This hashes as the bytes stream in, and its state can be saved between chunks so that a download resumed
 * in a later session does not read the stored part back to hash it again.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** A hash in progress, as plain data that survives structured clone (saved in IndexedDB with a partial download). */
export interface Sha256State {
  /** The eight working words. */
  readonly h: readonly number[];
  /** Bytes hashed so far. */
  readonly length: number;
  /** Bytes not yet making a full 64-byte block. */
  readonly pending: Uint8Array;
}

/** An incremental SHA-256: `update` any number of times, then `digestHex` once. */
export class Sha256 {
  #h = new Uint32Array(INITIAL);
  #w = new Uint32Array(64);
  #block = new Uint8Array(64);
  #blockUsed = 0;
  #length = 0;

  /** A hasher that continues from a saved state (or starts fresh without one). */
  static from(state?: Sha256State): Sha256 {
    const hash = new Sha256();
    if (state) {
      hash.#h.set(state.h);
      hash.#length = state.length;
      hash.#block.set(state.pending);
      hash.#blockUsed = state.pending.length;
    }
    return hash;
  }

  /** Feeds more bytes. */
  update(bytes: Uint8Array): this {
    let offset = 0;
    this.#length += bytes.length;
    if (this.#blockUsed > 0) {
      const take = Math.min(64 - this.#blockUsed, bytes.length);
      this.#block.set(bytes.subarray(0, take), this.#blockUsed);
      this.#blockUsed += take;
      offset = take;
      if (this.#blockUsed < 64) return this;
      this.#compress(this.#block, 0);
      this.#blockUsed = 0;
    }
    const whole = offset + ((bytes.length - offset) & ~63);
    compressBlocks(this.#h, this.#w, bytes, offset, whole);
    offset = whole;
    if (offset < bytes.length) {
      this.#block.set(bytes.subarray(offset), 0);
      this.#blockUsed = bytes.length - offset;
    }
    return this;
  }

  /** The state so far, for `Sha256.from` in a later session. */
  state(): Sha256State {
    return { h: Array.from(this.#h), length: this.#length, pending: this.#block.slice(0, this.#blockUsed) };
  }

  /** Finishes the hash and returns it as 64 lowercase hex digits; the hasher must not be used afterwards. */
  digestHex(): string {
    const bits = this.#length * 8;
    const tail = new Uint8Array(((this.#blockUsed + 8) >> 6) * 64 + 64 - this.#blockUsed);
    tail[0] = 0x80;
    const view = new DataView(tail.buffer);
    // The length is a 64-bit big-endian bit count; split it because JavaScript bit operations are 32-bit.
    view.setUint32(tail.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(tail.length - 4, bits >>> 0);
    const length = this.#length;
    this.update(tail);
    this.#length = length;
    return Array.from(this.#h, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
  }

  #compress(bytes: Uint8Array, offset: number): void {
    compressBlocks(this.#h, this.#w, bytes, offset, offset + 64);
  }
}

/** Runs the compression function over the 64-byte blocks of `bytes[from, to)`; one tight loop with local state, because V8 is several times slower when the state lives in fields. */
function compressBlocks(h: Uint32Array, w: Uint32Array, bytes: Uint8Array, from: number, to: number): void {
  let h0 = h[0] | 0, h1 = h[1] | 0, h2 = h[2] | 0, h3 = h[3] | 0, h4 = h[4] | 0, h5 = h[5] | 0, h6 = h[6] | 0, h7 = h[7] | 0;
  for (let offset = from; offset < to; offset += 64) {
    for (let i = 0; i < 16; i += 1) {
      const j = offset + i * 4;
      w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (let i = 16; i < 64; i += 1) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, k = h7;
    for (let i = 0; i < 64; i += 1) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + k) | 0;
  }
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
}

/** SHA-256 of `bytes` as lowercase hex, in one call. */
export function sha256Hex(bytes: Uint8Array): string {
  return new Sha256().update(bytes).digestHex();
}
