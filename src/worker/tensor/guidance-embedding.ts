/**
 * The guidance-scale embedding that LCM U-Nets with a `timestep_cond` input take instead of classifier-free
 * guidance (diffusers' `LatentConsistencyModelPipeline.get_guidance_scale_embedding`): the sinusoidal embedding
 * of w = (guidanceScale - 1) * 1000, sines then cosines, zero-padded to an odd width. Computed in float32 steps,
 * as torch does, so the values match diffusers to the last bits that matter.
 */
export function guidanceScaleEmbedding(guidanceScale: number, dim: number): Float32Array {
  const f = Math.fround;
  const w = f(f(guidanceScale - 1) * 1000);
  const half = Math.floor(dim / 2);
  const step = f(f(Math.log(10000)) / (half - 1));
  const out = new Float32Array(dim);
  for (let i = 0; i < half; i += 1) {
    const angle = f(w * f(Math.exp(f(i * -step))));
    out[i] = Math.sin(angle);
    out[half + i] = Math.cos(angle);
  }
  return out;
}
