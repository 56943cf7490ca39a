/**
 * The sampler names people use (AUTOMATIC1111's web UI, ComfyUI): pure data, so the SDK and the elements can list
 * them without bundling a single scheduler or config. What each name stands for (diffusers config overrides) is the
 * worker's business, in `schedulers/sampler-table.ts`: add a sampler here, its overrides there, and its class in
 * `schedulers/registry.ts`; test/worker/schedulers/names.node.test.ts fails until all three agree.
 */

/** AUTOMATIC1111 names (diffusers' documentation maps them to classes). */
const A1111_NAMES = [
  'Euler', 'Euler Karras', 'Euler a', 'Heun', 'Heun Karras', 'LMS', 'LMS Karras',
  'DPM2', 'DPM2 Karras', 'DPM2 a', 'DPM2 a Karras', 'DPM++ 2M', 'DPM++ 2M Karras', 'DPM++ 2M SDE', 'DPM++ 2M SDE Karras',
  'DPM++ SDE', 'DPM++ SDE Karras', 'DPM++ 2S', 'DPM++ 2S Karras', 'UniPC', 'UniPC Karras', 'DEIS', 'DEIS Karras', 'DDIM', 'PLMS', 'PNDM', 'LCM', 'DDPM',
];

/** ComfyUI names; `<name>_karras` is ComfyUI's "karras" scheduler, where the class has Karras sigmas. */
const COMFY_NAMES = [
  'euler', 'euler_ancestral', 'heun', 'lms', 'dpm_2', 'dpm_2_ancestral', 'dpmpp_2m', 'dpmpp_2m_sde', 'dpmpp_sde', 'ddim', 'ddpm', 'lcm',
  'deis', 'uni_pc', 'uni_pc_bh2',
  'euler_karras', 'heun_karras', 'lms_karras', 'dpm_2_karras', 'dpm_2_ancestral_karras', 'dpmpp_2m_karras',
  'dpmpp_2m_sde_karras', 'dpmpp_sde_karras', 'deis_karras', 'uni_pc_karras', 'uni_pc_bh2_karras',
];

/** The sampler names a UI can offer, in table order (AUTOMATIC1111's first, then ComfyUI's). */
export const SAMPLER_NAMES: readonly string[] = Object.freeze([...A1111_NAMES, ...COMFY_NAMES]);
