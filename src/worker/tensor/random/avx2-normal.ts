/**
 * torch 1.13's vectorised float32 Box-Muller (`normal_fill_16_AVX2`) in scalar JavaScript: Cephes' `log256_ps` and
 * `sincos256_ps` from `avx_mathfun.h`, every intermediate a float32; see docs/torch-randn.md (shared docs), 4a.
 *
 * The multiply-adds that GCC fused into FMAs need one rounding. `fround(a * b + c)` rounds twice (the product is
 * exact, the double sum is not always), which differs from a true FMA only when the double sum lands exactly
 * half-way between two float32s (`fma32` in fma32.ts handles that case in general). Here the log depends only on a
 * 24-bit integer and the sine/cosine only on another, so every reachable input was checked: for all 2^24 of each,
 * no multiply-add below ever meets that case, and the plain form is exact at half the cost of the general one.
 * The check is `TORCH_RANDN_EXHAUSTIVE=1 node --import tsx --test test/worker/tensor/random.node.test.ts`;
 * rerun it after changing any constant or operation here.
 */

const fround = Math.fround;
const TWO_PI = fround(2 * Math.PI);
const TWO_POW_M24 = 2 ** -24;
const SQRTHF = fround(0.707106781186547524);
const [P0, P1, P2, P3, P4, P5, P6, P7, P8] = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(fround);
const Q1 = fround(-2.12194440e-4);
const Q2 = fround(0.693359375);
const DP1 = fround(-0.78515625);
const DP2 = fround(-2.4187564849853515625e-4);
const DP3 = fround(-3.77489497744594108e-8);
const [S0, S1, S2] = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(fround);
const [C0, C1, C2] = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(fround);
const FOPI = fround(1.27323954473516);
/** A float32 multiply-add that equals a fused one for the inputs this file can see (see the header). */
function fma(a: number, b: number, c: number): number {
  return fround(a * b + c);
}

/** 2^-b for a bit length b, so a 24-bit integer becomes its float32 mantissa in [0.5, 1) without bit casts. */
const INVERSE_POWERS = Float64Array.from({ length: 26 }, (_, b) => 2 ** -b);

/**
 * `log256_ps(m * 2^-24)` for an integer 1 <= m <= 2^24. Here `u1 = 1 - uniform` is always such a value (exact in
 * float32), so the exponent and mantissa come from the bit length of m instead of from the float's bits.
 * Exported for the exhaustive test.
 */
export function logOfUnit(m: number): number {
  const bits = 32 - Math.clz32(m);
  let e = bits - 24; // float((bits(u1) >> 23) - 127) + 1
  let x = m * INVERSE_POWERS[bits];
  // Both branches are exact in float32: (x - 1) + x = 2x - 1 keeps x's last bit, and x - 1 is a Sterbenz case.
  if (x < SQRTHF) {
    e -= 1;
    x = x + x - 1;
  } else {
    x -= 1;
  }
  const z = fround(x * x);
  let y = fma(P0, x, P1);
  y = fma(y, x, P2);
  y = fma(y, x, P3);
  y = fma(y, x, P4);
  y = fma(y, x, P5);
  y = fma(y, x, P6);
  y = fma(y, x, P7);
  y = fma(y, x, P8);
  y = fround(y * x);
  y = fma(y, z, fround(e * Q1));
  y = fma(-z, 0.5, y);
  return fma(e, Q2, fround(x + y));
}

/**
 * Writes `radius * cos(theta)` to `out[i]` and `radius * sin(theta)` to `out[i + 8]` (`sincos256_ps`), for
 * `theta >= 0` so the input sign is always clear. Writing straight to the output avoids returning a pair.
 * Exported for the exhaustive test.
 */
export function writeSinCos(theta: number, radius: number, out: Float32Array, i: number): void {
  let j = Math.trunc(fround(theta * FOPI)); // cvttps of the float32 product
  j = (j + 1) & ~1;
  let x = fma(j, DP1, theta);
  x = fma(j, DP2, x);
  x = fma(j, DP3, x);
  const z = fround(x * x);
  let yc = fma(C0, z, C1);
  yc = fma(yc, z, C2);
  yc = fround(yc * z);
  yc = fma(yc, z, -(z * 0.5));
  yc = fround(yc + 1);
  let ys = fma(S0, z, S1);
  ys = fma(ys, z, S2);
  ys = fround(ys * z);
  ys = fma(ys, x, x);
  const polynomialSwap = (j & 2) !== 0;
  let sin = polynomialSwap ? yc : ys;
  let cos = polynomialSwap ? ys : yc;
  // Sign flips as the sign-bit XORs of the C code (so zeros become -0 exactly where torch's do).
  if ((j & 4) !== 0) sin = -sin;
  if (((j - 2) & 4) === 0) cos = -cos;
  out[i] = radius * cos;
  out[i + 8] = radius * sin;
}

/**
 * `normal_fill_16` over one chunk: `draws[from .. from+15]` hold the low 24 bits of 16 generator outputs (the
 * float32 uniforms times 2^24); the 16 normals go to `out[at .. at+15]`. Element j pairs uniforms j and j + 8.
 */
export function normalFill16(draws: Int32Array, from: number, out: Float32Array, at: number): void {
  for (let j = 0; j < 8; j += 1) {
    const log = logOfUnit(0x1000000 - draws[from + j]);
    const radius = fround(Math.sqrt(-2 * log));
    const theta = fround(TWO_PI * (draws[from + j + 8] * TWO_POW_M24));
    writeSinCos(theta, radius, out, at + j);
  }
}
