/**
 * Small element-wise helpers on flat `Float32Array`s, and the input checks every scheduler shares.
 *
 * Arithmetic mirrors torch's float32 kernels: every binary operation rounds to float32 (`Math.fround`), so results
 * match diffusers to the last bit where torch does one operation per kernel. Helpers write into `out` when given,
 * so hot paths can reuse buffers.
 */
import { DiffusionError } from '../../sdk/errors.ts';
import { TorchGenerator } from '../tensor/random.ts';

const f32 = Math.fround;

/** Throws `length-mismatch` unless `a` and `b` have the same number of elements. */
export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length === b.length) return;
  throw new DiffusionError('length-mismatch', `${what}: arrays of ${a.length} and ${b.length} elements.`, {
    details: { a: a.length, b: b.length },
  });
}

/** Throws `nan-output` when `modelOutput` holds a NaN (one pass, no allocation: cheap next to a U-Net call). */
export function checkModelOutput(modelOutput: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < modelOutput.length; i += 1) sum += modelOutput[i]! * 0;
  // x * 0 is 0 for finite x and NaN for NaN or ±Infinity, so one sum tells.
  if (sum === 0 || modelOutput.length === 0) return;
  for (let i = 0; i < modelOutput.length; i += 1) {
    if (Number.isNaN(modelOutput[i])) {
      throw new DiffusionError('nan-output', `The model output holds NaN (first at index ${i}).`, { details: { index: i } });
    }
  }
}

/** The checks of every `step`: same lengths, no NaN in the model output. */
export function checkStepInputs(modelOutput: Float32Array, sample: Float32Array): void {
  checkSameLength(modelOutput, sample, 'step(modelOutput, timestep, sample)');
  checkModelOutput(modelOutput);
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
export function axpby(a: number, x: Float32Array, b: number, y: Float32Array, out = new Float32Array(x.length)): Float32Array {
  const fa = f32(a);
  const fb = f32(b);
  for (let i = 0; i < x.length; i += 1) out[i] = f32(fa * x[i]!) + f32(fb * y[i]!);
  return out;
}

/** `x * s` element-wise with a float32 scalar. */
export function scale(x: Float32Array, s: number, out = new Float32Array(x.length)): Float32Array {
  const fs = f32(s);
  for (let i = 0; i < x.length; i += 1) out[i] = fs * x[i]!;
  return out;
}

/** `x / d` element-wise with a float32 scalar (a true division, as torch does, not a multiply by `1 / d`). */
export function divide(x: Float32Array, d: number, out = new Float32Array(x.length)): Float32Array {
  const fd = f32(d);
  for (let i = 0; i < x.length; i += 1) out[i] = x[i]! / fd;
  return out;
}

/** `x + y * s` element-wise: `y * s` rounded first, as torch's separate multiply then add. */
export function addScaled(x: Float32Array, y: Float32Array, s: number, out = new Float32Array(x.length)): Float32Array {
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
