/**
 * The sampler names `<prompt-box>` offers until the SDK exports its own list (`samplerNames` in
 * src/worker/schedulers/names.ts); these are the names people know from other Stable Diffusion front ends.
 */

/** Sampler names for the select; the first option of the select is always "model default". */
export const FALLBACK_SAMPLERS: readonly string[] = [
  'Euler', 'Euler a', 'DDIM', 'PNDM', 'LMS', 'Heun', 'DPM++ 2M', 'DPM++ 2M Karras', 'DPM++ SDE', 'UniPC', 'LCM',
];
