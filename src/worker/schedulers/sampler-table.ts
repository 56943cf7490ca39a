/**
 * The diffusers config overrides each sampler name stands for (class name included). The names themselves are pure
 * data in `protocol/sampler-names.ts`, so the SDK and the elements list them without this table; every name there has
 * an entry here, in the same order (test/worker/schedulers/names.node.test.ts checks both ways).
 */
import { SAMPLER_NAMES } from '../protocol/sampler-names.ts';
import type { SchedulerConfig } from './scheduler.ts';

const KARRAS = { use_karras_sigmas: true } as const;
const NO_KARRAS = { use_karras_sigmas: false } as const;

const EULER = { _class_name: 'EulerDiscreteScheduler', ...NO_KARRAS };
const EULER_A = { _class_name: 'EulerAncestralDiscreteScheduler' };
const HEUN = { _class_name: 'HeunDiscreteScheduler', ...NO_KARRAS };
const LMS = { _class_name: 'LMSDiscreteScheduler', ...NO_KARRAS };
const DPM2 = { _class_name: 'KDPM2DiscreteScheduler', ...NO_KARRAS };
const DPM2_A = { _class_name: 'KDPM2AncestralDiscreteScheduler', ...NO_KARRAS };
const DPMPP_2M = { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver++', solver_order: 2, ...NO_KARRAS };
const DPMPP_2M_SDE = { ...DPMPP_2M, algorithm_type: 'sde-dpmsolver++' };
const DPMPP_SDE = { _class_name: 'DPMSolverSDEScheduler', ...NO_KARRAS };
const DPMPP_2S = { _class_name: 'DPMSolverSinglestepScheduler', algorithm_type: 'dpmsolver++', solver_order: 2, ...NO_KARRAS };
const UNIPC = { _class_name: 'UniPCMultistepScheduler', ...NO_KARRAS };
const DEIS = { _class_name: 'DEISMultistepScheduler', ...NO_KARRAS };
const DDIM = { _class_name: 'DDIMScheduler' };
const PLMS = { _class_name: 'PNDMScheduler', skip_prk_steps: true };
const PNDM = { _class_name: 'PNDMScheduler', skip_prk_steps: false };
const LCM = { _class_name: 'LCMScheduler' };
const DDPM = { _class_name: 'DDPMScheduler' };

/** AUTOMATIC1111 names, as diffusers' documentation maps them (its "DPM++ 2S a" has no class here). */
const A1111: Readonly<Record<string, SchedulerConfig>> = {
  Euler: EULER, 'Euler Karras': { ...EULER, ...KARRAS }, 'Euler a': EULER_A,
  Heun: HEUN, 'Heun Karras': { ...HEUN, ...KARRAS },
  LMS: LMS, 'LMS Karras': { ...LMS, ...KARRAS },
  DPM2: DPM2, 'DPM2 Karras': { ...DPM2, ...KARRAS }, 'DPM2 a': DPM2_A, 'DPM2 a Karras': { ...DPM2_A, ...KARRAS },
  'DPM++ 2M': DPMPP_2M, 'DPM++ 2M Karras': { ...DPMPP_2M, ...KARRAS },
  'DPM++ 2M SDE': DPMPP_2M_SDE, 'DPM++ 2M SDE Karras': { ...DPMPP_2M_SDE, ...KARRAS },
  'DPM++ SDE': DPMPP_SDE, 'DPM++ SDE Karras': { ...DPMPP_SDE, ...KARRAS },
  'DPM++ 2S': DPMPP_2S, 'DPM++ 2S Karras': { ...DPMPP_2S, ...KARRAS },
  UniPC: UNIPC, 'UniPC Karras': { ...UNIPC, ...KARRAS }, DEIS: DEIS, 'DEIS Karras': { ...DEIS, ...KARRAS },
  DDIM: DDIM, PLMS: PLMS, PNDM: PNDM, LCM: LCM, DDPM: DDPM,
};

/** ComfyUI sampler names; `<name>_karras` (ComfyUI's "karras" scheduler) is accepted where the class has Karras sigmas. */
const COMFY: Readonly<Record<string, SchedulerConfig>> = {
  euler: EULER, euler_ancestral: EULER_A, heun: HEUN, lms: LMS, dpm_2: DPM2, dpm_2_ancestral: DPM2_A,
  dpmpp_2m: DPMPP_2M, dpmpp_2m_sde: DPMPP_2M_SDE, dpmpp_sde: DPMPP_SDE, ddim: DDIM, ddpm: DDPM, lcm: LCM, deis: DEIS,
  // ComfyUI's uni_pc is the bh1 variant; uni_pc_bh2 is diffusers' default.
  uni_pc: { ...UNIPC, solver_type: 'bh1' }, uni_pc_bh2: { ...UNIPC, solver_type: 'bh2' },
};

function comfyKarras(): Record<string, SchedulerConfig> {
  const out: Record<string, SchedulerConfig> = {};
  for (const [name, config] of Object.entries(COMFY)) {
    if ('use_karras_sigmas' in config) out[`${name}_karras`] = { ...config, ...KARRAS };
  }
  return out;
}

/** Every sampler name and the diffusers config overrides it stands for. */
export const SAMPLER_TABLE: Readonly<Record<string, Readonly<SchedulerConfig>>> =
  Object.freeze({ ...A1111, ...COMFY, ...comfyKarras() });

/** The config overrides a sampler name stands for (exact, then case-insensitive), or undefined. */
export function samplerOverrides(name: string): Readonly<SchedulerConfig> | undefined {
  if (Object.hasOwn(SAMPLER_TABLE, name)) return SAMPLER_TABLE[name];
  const lower = name.trim().toLowerCase();
  const key = SAMPLER_NAMES.find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : SAMPLER_TABLE[key];
}
