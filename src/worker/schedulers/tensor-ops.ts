/**
 * Small element-wise helpers on flat `Float32Array`s, and the input checks every scheduler shares.
 *
 * Arithmetic mirrors torch's float32 kernels: every binary operation rounds to float32 (`Math.fround`), so results
 * match diffusers to the last bit where torch does one operation per kernel. Helpers write into `out` when given,
 * so hot paths can reuse buffers.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { TorchGenerator } from '../tensor/random.ts';

const f32 = Math.fround;

/** Throws `length-mismatch` unless `a` and `b` have the same number of elements. */
export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length === b.length) return;
  throw new DiffusionError('length-mismatch', `${what}: arrays of ${a.length} and ${b.length} elements.`, {
    details: { a: a.length, b: b.length },
  });
}

/**
 * Throws `nan-output` when `modelOutput` holds a NaN. One read-only pass: x * 0 is 0 for finite x and NaN for NaN
 * or ±Infinity, summed in four independent chains (a single chain is latency-bound and twice as slow).
 * Samplers whose first loop reads the model output anyway fold the same sum into it and call
 * {@link throwIfNaN} instead.
 */
export function checkModelOutput(modelOutput: Float32Array): void {
  const n = modelOutput.length;
  const n4 = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n4; i += 4) {
    s0 += modelOutput[i]! * 0;
    s1 += modelOutput[i + 1]! * 0;
    s2 += modelOutput[i + 2]! * 0;
    s3 += modelOutput[i + 3]! * 0;
  }
  for (let i = n4; i < n; i += 1) s0 += modelOutput[i]! * 0;
  if (s0 + s1 + s2 + s3 !== 0) throwIfNaN(modelOutput);
}

/** After a folded `sum += x * 0` came out non-zero: throws `nan-output` at the first NaN (±Infinity passes). */
export function throwIfNaN(modelOutput: Float32Array): void {
  const i = modelOutput.findIndex((v) => Number.isNaN(v));
  if (i < 0) return;
  throw new DiffusionError('nan-output', `The model output holds NaN (first at index ${i}).`, { details: { index: i } });
}

/** The checks of every `step`: same lengths, no NaN in the model output. */
export function checkStepInputs(modelOutput: Float32Array, sample: Float32Array): void {
  checkStepLengths(modelOutput, sample);
  checkModelOutput(modelOutput);
}

/** The length check of `step` alone, for samplers that fold the NaN check into their first pass. */
export function checkStepLengths(modelOutput: Float32Array, sample: Float32Array): void {
  checkSameLength(modelOutput, sample, 'step(modelOutput, timestep, sample)');
}

/** Throws `invalid-steps` unless `n` is an integer in [1, max]. */
export function checkSteps(n: number, max: number, className: string): void {
  if (Number.isInteger(n) && n >= 1 && n <= max) return;
  throw new DiffusionError(
    'invalid-steps',
    `${className}: the number of inference steps must be an integer from 1 to ${max}, got ${String(n)}.`,
    { details: { steps: n, max } },
  );
}

/** Throws `invalid-argument` when `step` is called before `setTimesteps`. */
export function checkPrepared(ready: boolean, className: string): void {
  if (ready) return;
  throw new DiffusionError('invalid-argument', `${className}: call setTimesteps() before step().`);
}

/** `a * x + b * y` element-wise with float32 scalars, rounding each product and the sum as torch does. */
export function axpby(a: number, x: Float32Array, b: number, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const fa = f32(a);
  const fb = f32(b);
  for (let i = 0; i < x.length; i += 1) out[i] = f32(fa * x[i]!) + f32(fb * y[i]!);
  return out;
}

/** `x * s` element-wise with a float32 scalar. */
export function scale(x: Float32Array, s: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const fs = f32(s);
  for (let i = 0; i < x.length; i += 1) out[i] = fs * x[i]!;
  return out;
}

/** `x / d` element-wise with a float32 scalar (a true division, as torch does, not a multiply by `1 / d`). */
export function divide(x: Float32Array, d: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const fd = f32(d);
  for (let i = 0; i < x.length; i += 1) out[i] = x[i]! / fd;
  return out;
}

/** `x + y * s` element-wise: `y * s` rounded first, as torch's separate multiply then add. */
export function addScaled(x: Float32Array, y: Float32Array, s: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const fs = f32(s);
  for (let i = 0; i < x.length; i += 1) out[i] = x[i]! + f32(y[i]! * fs);
  return out;
}

/** `torch.clamp(x, -limit, limit)` in place. */
export function clampInPlace(x: Float32Array, limit: number): Float32Array {
  for (let i = 0; i < x.length; i += 1) x[i] = Math.min(Math.max(x[i]!, -limit), limit);
  return x;
}

/** `n` standard normals from `generator`, like diffusers' `randn_tensor`; without one, from a randomly seeded one. */
export function randn(n: number, generator?: TorchGenerator): Float32Array {
  return (generator ?? new TorchGenerator(Math.floor(Math.random() * 2 ** 32))).randn(n);
}

/** Forward noising of the alphas_cumprod schedulers: `sqrt(a) * original + sqrt(1 - a) * noise` in float32. */
export function addNoiseAlpha(original: Float32Array, noise: Float32Array, alphaProd: number): Float32Array {
  checkSameLength(original, noise, 'addNoise(original, noise, timestep)');
  const a = f32(alphaProd);
  return axpby(Math.sqrt(a), original, Math.sqrt(f32(1 - a)), noise);
}

/** Forward noising of the sigma schedulers: `original + noise * sigma` in float32. */
export function addNoiseSigma(original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  checkSameLength(original, noise, 'addNoise(original, noise, timestep)');
  return addScaled(original, noise, sigma);
}

/** Throws `invalid-argument` for a timestep that is not in the schedule (forward noising needs one of its own). */
export function unknownTimestep(className: string, timestep: number): DiffusionError {
  return new DiffusionError('invalid-argument', `${className}: timestep ${timestep} is not in the schedule.`, {
    details: { timestep },
  });
}
