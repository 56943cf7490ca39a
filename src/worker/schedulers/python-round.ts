/**
 * Python's `round(x, ndigits)` for a float, exactly: the double nearest to x's exact binary value rounded to
 * `ndigits` decimals, ties to even (CPython's `double_round` through dtoa). torchsde quantises every time of its
 * Brownian tree with it, and `Number.prototype.toFixed` is not a substitute: it breaks exact ties away from zero
 * (0.0078125 is 0.007813 there, 0.007812 in Python).
 */

const view = new DataView(new ArrayBuffer(8));

/** x = mantissa * 2^exponent exactly, mantissa a non-negative integer (x finite and not negative). */
function exactBinary(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  // Subnormals have no implicit leading bit and the smallest exponent.
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** `round(x, ndigits)` as CPython computes it for a float `x` and `ndigits >= 0`. */
export function pythonRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const { mantissa, exponent } = exactBinary(Math.abs(x));
  // No fractional bits: x * 10^ndigits is already an integer, so rounding changes nothing.
  if (exponent >= 0) return x;
  const numerator = mantissa * 10n ** BigInt(ndigits);
  const denominator = 1n << BigInt(-exponent);
  let quotient = numerator / denominator;
  const twice = 2n * (numerator % denominator);
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  // The decimal string is parsed with correct rounding, as CPython's strtod does.
  const magnitude = Number(`${quotient}e-${ndigits}`);
  return x < 0 ? -magnitude : magnitude;
}
