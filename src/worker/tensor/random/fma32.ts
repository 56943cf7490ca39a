/**
 * A correctly rounded float32 fused multiply-add, which torch's AVX2 kernel gets from `vfmadd` and JavaScript lacks.
 *
 * For float32 inputs `a * b` is exact in a double, so `a * b + c` has one double rounding before the float32 one.
 * That double rounding changes the float32 result only when the double sum lands exactly half-way between two
 * float32 values while the exact sum does not; only then is the TwoSum error term needed to pick the side.
 */

const fround = Math.fround;

/** `round32(a * b + c)` with a single rounding, for float32-valued `a`, `b`, `c` (normal range). */
export function fma32(a: number, b: number, c: number): number {
  const s = a * b + c;
  const r = fround(s);
  // When s is half-way between r and its neighbour, t = 2s - r is that neighbour (computed exactly); otherwise
  // t is not a float32 (or equals r when s itself is one). Cheap enough to test on every call.
  const t = 2 * s - r;
  if (t === r || fround(t) !== t) return r;
  return halfway(a * b, c, s, r, t);
}

/** Resolves the half-way case from the exact error of the double sum `s = p + c` (Knuth's TwoSum). */
function halfway(p: number, c: number, s: number, r: number, t: number): number {
  const pVirtual = s - c;
  const error = (p - pVirtual) + (c - (s - pVirtual));
  if (error === 0) return r; // s is exact, so fround's ties-to-even was the single rounding
  return error > 0 ? Math.max(r, t) : Math.min(r, t);
}
