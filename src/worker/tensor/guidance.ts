/**
 * Classifier-free guidance: uncond + scale x (cond - uncond), and, with `rescale` > 0, diffusers'
 * `rescale_noise_cfg` (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", 3.4):
 * the guided prediction is scaled to the standard deviation of the conditional one, then mixed back with the
 * plain guided one by `rescale`. A high scale otherwise inflates the prediction and over-saturates the picture.
 * Standard deviations are torch's (unbiased) over the whole prediction of one image.
 */
export function guide(uncond: Float32Array, cond: Float32Array, scale: number, rescale = 0): Float32Array {
  const mixed = new Float32Array(uncond.length);
  for (let i = 0; i < mixed.length; i += 1) mixed[i] = uncond[i] + scale * (cond[i] - uncond[i]);
  if (rescale <= 0) return mixed;
  const factor = rescale * (std(cond) / std(mixed)) + (1 - rescale);
  for (let i = 0; i < mixed.length; i += 1) mixed[i] *= factor;
  return mixed;
}

/** torch.std: the unbiased standard deviation, in float64. */
function std(values: Float32Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}
