/**
 * IEEE 754 half precision <-> float32, for models whose float inputs and outputs are float16
 * (Olive exports with `keep_io_types: false`).
 *
 * Browsers with `Float16Array` convert natively (about 20x faster than a loop: the U-Net's output crosses this
 * every step, so it is part of the per-step overhead); elsewhere (Node 20, older browsers) the portable loops run.
 * Both round to nearest even, and the tests check they agree on every half value.
 */

interface Float16ArrayLike { readonly buffer: ArrayBufferLike; readonly length: number }
type Float16ArrayConstructorLike = new (source: ArrayLike<number> | ArrayBufferLike, offset?: number, length?: number) => Float16ArrayLike & ArrayLike<number>;
const NativeFloat16 = (globalThis as { Float16Array?: Float16ArrayConstructorLike }).Float16Array;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds float32 values to half-precision bit patterns (round to nearest even, overflow to infinity). */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  if (!NativeFloat16) return toFloat16BitsPortable(values);
  return new Uint16Array(new NativeFloat16(values).buffer);
}

/** Decodes half-precision bit patterns to float32. */
export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  if (!NativeFloat16) return fromFloat16BitsPortable(bits);
  return new Float32Array(new NativeFloat16(bits.buffer, bits.byteOffset, bits.length) as ArrayLike<number>);
}

/**
 * Widens a float16 tensor's data to float32: onnxruntime-web hands float16 outputs over as a `Float16Array`
 * where the browser has one (a generic `Float32Array.from` over it is an iterator call per value), else as bits.
 */
export function widenFloat16(data: Uint16Array | ArrayLike<number>): Float32Array {
  if (data instanceof Uint16Array) return fromFloat16Bits(data);
  return new Float32Array(data);
}

/** {@link toFloat16Bits} without `Float16Array` (exported for the tests that compare the two). */
export function toFloat16BitsPortable(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = floatToHalf(values[i]);
  return out;
}

/** {@link fromFloat16Bits} without `Float16Array`: one lookup per value in a 256 KB table built on first use. */
export function fromFloat16BitsPortable(bits: Uint16Array): Float32Array {
  const table = (halfTable ??= Float32Array.from({ length: 0x10000 }, (_, h) => halfToFloat(h)));
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i += 1) out[i] = table[bits[i]];
  return out;
}

let halfTable: Float32Array | undefined;

function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let rounded = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && rounded & 1)) rounded += 1;
    return sign | rounded;
  }
  let rounded = mantissa >> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && rounded & 1)) rounded += 1;
  if (rounded === 0x400) { rounded = 0; e += 1; if (e >= 0x1f) return sign | 0x7c00; }
  return sign | (e << 10) | rounded;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
