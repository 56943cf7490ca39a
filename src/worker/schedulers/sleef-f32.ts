/**
 * torch's float32 `exp`, `log` and `expm1` on x86-64 CPUs, bit for bit: torch 1.13 runs them through SLEEF's AVX2
 * kernels (`Sleef_expf8_u10`, `Sleef_logf8_u10`, `Sleef_expm1f8_u10`, SLEEF 3.5 with FMA), even for a single
 * element. They are accurate to 1 ulp, not correctly rounded, so `Math.fround(Math.exp(x))` differs from torch in
 * about one case in twelve. Most schedulers do not care; DPMSolverSDE does, because its Brownian-tree queries
 * round `exp(-t)` to 6 decimals, where one ulp can move a query by 1e-6 and change the noise at the 1e-4 level.
 *
 * A port of sleefsimdsp.c's `xexpf`, `xlogf_u1` and `xexpm1f` with df.h's FMA double-float helpers, on a float32
 * fused multiply-add that is exact (see {@link fma32}).
 */

const f32 = Math.fround;

const R_LN2F = f32(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = 0.693145751953125;
const L2LF = f32(1.428606765330187045e-6);
const FLT_MIN = 2 ** -126;

/** A float32 fused multiply-add: `a * b + c` rounded once (a*b is exact in float64; the sum's rounding is fixed up). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const rounded = f32(s);
  if (s === rounded || !Number.isFinite(s)) return rounded;
  // The float64 sum was rounded once already; only when it landed exactly on a float32 midpoint can the second
  // rounding go the wrong way, and then the sum's exact error (TwoSum) says which neighbour is nearer.
  const other = nextFloat32(rounded, s > rounded);
  if (s !== (rounded + other) / 2) return rounded;
  const virtual = s - p;
  const error = (p - (s - virtual)) + (c - virtual);
  if (error === 0) return rounded;
  return (error > 0) === (other > rounded) ? other : rounded;
}

const bits = new DataView(new ArrayBuffer(4));

/** The float32 next to finite `x`, upwards or downwards. */
function nextFloat32(x: number, up: boolean): number {
  if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
  bits.setFloat32(0, x);
  const word = bits.getUint32(0);
  bits.setUint32(0, (x > 0) === up ? word + 1 : word - 1);
  return bits.getFloat32(0);
}

/** A float32 double-float (hi + lo), SLEEF's `vfloat2`. */
interface F2 { readonly x: number; readonly y: number }

/** `dfadd2_vf2_vf_vf`: x + y as a double-float, any magnitudes. */
function add2(x: number, y: number): F2 {
  const s = f32(x + y);
  const v = f32(s - x);
  return { x: s, y: f32(f32(x - f32(s - v)) + f32(y - v)) };
}

/** `dfadd2_vf2_vf2_vf`. */
function add2F2F(x: F2, y: number): F2 {
  const s = f32(x.x + y);
  const v = f32(s - x.x);
  const t = f32(f32(x.x - f32(s - v)) + f32(y - v));
  return { x: s, y: f32(t + x.y) };
}

/** `dfadd2_vf2_vf2_vf2`. */
function add2F2F2(x: F2, y: F2): F2 {
  const s = f32(x.x + y.x);
  const v = f32(s - x.x);
  const t = f32(f32(x.x - f32(s - v)) + f32(y.x - v));
  return { x: s, y: f32(t + f32(x.y + y.y)) };
}

/** `dfmul_vf2_vf2_vf` (FMA). */
function mulF2F(x: F2, y: number): F2 {
  const s = f32(x.x * y);
  return { x: s, y: fma32(x.y, y, fma32(x.x, y, -s)) };
}

/** `dfmul_vf2_vf2_vf2` (FMA). */
function mulF2F2(x: F2, y: F2): F2 {
  const s = f32(x.x * y.x);
  return { x: s, y: fma32(x.x, y.y, fma32(x.y, y.x, fma32(x.x, y.x, -s))) };
}

/** `dfsqu_vf2_vf2` (FMA). */
function square(x: F2): F2 {
  const s = f32(x.x * x.x);
  return { x: s, y: fma32(f32(x.x + x.x), x.y, fma32(x.x, x.x, -s)) };
}

/** `dfdiv_vf2_vf2_vf2` (FMA). */
function divide(n: F2, d: F2): F2 {
  const t = f32(1 / d.x);
  const s = f32(n.x * t);
  const u = fma32(t, n.x, -s);
  const v = fma32(-d.y, t, fma32(-d.x, t, 1));
  return { x: s, y: fma32(s, v, fma32(n.y, t, u)) };
}

/** `_mm256_cvtps_epi32`: round to nearest, ties to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `vldexp2_vf_vf_vi2`: x * 2^q in two float32 multiplies. */
function ldexp2(x: number, q: number): number {
  const half = q >> 1;
  return f32(f32(x * 2 ** half) * 2 ** (q - half));
}

/** torch's float32 `exp` (SLEEF `xexpf`, 1-ulp). */
export function expF32(d: number): number {
  const q = rint(f32(d * R_LN2F));
  let s = fma32(q, -L2UF, d);
  s = fma32(q, -L2LF, s);
  let u = f32(0.000198527617612853646278381);
  u = fma32(u, s, f32(0.00139304355252534151077271));
  u = fma32(u, s, f32(0.00833336077630519866943359));
  u = fma32(u, s, f32(0.0416664853692054748535156));
  u = fma32(u, s, f32(0.166666671633720397949219));
  u = fma32(u, s, 0.5);
  u = f32(1 + fma32(f32(s * s), u, s));
  u = ldexp2(u, q);
  if (d < -104) return 0;
  return d > 100 ? Infinity : u;
}

/** torch's float32 `log` (SLEEF `xlogf_u1`, 1-ulp). */
export function logF32(value: number): number {
  if (Number.isNaN(value) || value < 0) return NaN;
  if (value === 0) return -Infinity;
  if (value === Infinity) return Infinity;
  const tiny = value < FLT_MIN;
  const d = tiny ? f32(value * 2 ** 64) : f32(value);
  let e = exponentOf(f32(d * f32(1 / 0.75)));
  const m = d * 2 ** -e;
  if (tiny) e -= 64;
  let s = mulF2F({ x: f32(0.69314718246459960938), y: f32(-1.904654323148236017e-9) }, e);
  const x = divide(add2(-1, m), add2(1, m));
  const x2 = f32(x.x * x.x);
  let t = f32(0.3027294874);
  t = fma32(t, x2, f32(0.3996108174));
  t = fma32(t, x2, f32(0.666669488));
  // dfadd_vf2_vf2_vf2(s, 2x), then dfadd_vf2_vf2_vf(s, x^3 t).
  const sx = f32(s.x + 2 * x.x);
  s = { x: sx, y: f32(f32(f32(f32(s.x - sx) + 2 * x.x) + s.y) + 2 * x.y) };
  const tail = f32(f32(x2 * x.x) * t);
  const sx2 = f32(s.x + tail);
  s = { x: sx2, y: f32(f32(f32(s.x - sx2) + tail) + s.y) };
  return f32(s.x + s.y);
}

/** torch's float32 `expm1` (SLEEF `xexpm1f`, 1-ulp). */
export function expm1F32(a: number): number {
  if (a > 88.72283172607421875) return Infinity;
  if (a < -16.635532333438687426013570) return -1;
  if (Object.is(a, -0)) return -0;
  const d = add2F2F(expk2({ x: a, y: 0 }), -1);
  return f32(d.x + d.y);
}

/** SLEEF's `expk2f`: exp of a double-float, as a double-float. */
function expk2(d: F2): F2 {
  const q = rint(f32(f32(d.x + d.y) * R_LN2F));
  let s = add2F2F(d, f32(q * -L2UF));
  s = add2F2F(s, f32(q * -L2LF));
  let u = f32(0.1980960224e-3);
  u = fma32(u, s.x, f32(0.1394256484e-2));
  u = fma32(u, s.x, f32(0.8333456703e-2));
  u = fma32(u, s.x, f32(0.4166637361e-1));
  let t = add2F2F(mulF2F(s, u), f32(0.166666659414234244790680580464));
  t = add2F2F(mulF2F2(s, t), 0.5);
  t = add2F2F2(s, mulF2F2(square(s), t));
  // dfadd_vf2_vf_vf2(1, t)
  const one = f32(1 + t.x);
  t = { x: one, y: f32(f32(f32(1 - one) + t.x) + t.y) };
  if (d.x < -104) return { x: 0, y: 0 };
  return { x: ldexp2(t.x, q), y: ldexp2(t.y, q) };
}

/** `vilogb2k_vi2_vf`: the unbiased exponent field of a (normal) float32. */
function exponentOf(x: number): number {
  bits.setFloat32(0, x);
  return ((bits.getUint32(0) >>> 23) & 0xff) - 0x7f;
}
