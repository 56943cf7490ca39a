/**
 * The sampler names `<prompt-box>` offers: the SDK's list of the names people know from other Stable Diffusion front
 * ends. The list is pure data, so the elements bundle holds no scheduler code.
 */
import { SAMPLER_NAMES } from '../../sdk/index.ts';

/** The short list a page can offer instead of every name (set it as `samplers`). */
export const FALLBACK_SAMPLERS: readonly string[] = [
  'Euler', 'Euler a', 'Heun', 'LMS', 'DPM++ 2M', 'DPM++ 2M Karras', 'UniPC', 'DEIS', 'DDIM', 'PNDM', 'LCM',
];

/** The names for the sampler select, without diffusers class names (those still work as attribute values). */
export function defaultSamplers(): readonly string[] {
  return SAMPLER_NAMES.length ? SAMPLER_NAMES : FALLBACK_SAMPLERS;
}
