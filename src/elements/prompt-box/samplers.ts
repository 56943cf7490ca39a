/**
 * The sampler names `<prompt-box>` offers: the SDK's own list (the names people know from other Stable Diffusion
 * front ends, for the scheduler classes this build has), or a fixed list when the SDK's is empty.
 */
import { samplerNames } from '../../worker/schedulers/names.ts';

/** Used when the scheduler registry offers no names. */
export const FALLBACK_SAMPLERS: readonly string[] = [
  'Euler', 'Euler a', 'Heun', 'LMS', 'DPM++ 2M', 'DPM++ 2M Karras', 'UniPC', 'DEIS', 'DDIM', 'PNDM', 'LCM',
];

/** The names for the sampler select, without diffusers class names (those still work as attribute values). */
export function defaultSamplers(): readonly string[] {
  const names = samplerNames().filter((name) => !name.endsWith('Scheduler'));
  return names.length ? names : FALLBACK_SAMPLERS;
}
