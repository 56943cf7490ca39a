/**
 * The sampler names people use (AUTOMATIC1111's web UI, ComfyUI) as diffusers configs, and the resolution of a
 * requested sampler against a model's own `scheduler_config.json` (so the betas and offsets stay the model's).
 */
import { DiffusionError } from '../protocol/errors.ts';
import { createScheduler, hasScheduler, schedulerClassNames } from './registry.ts';
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
const DPMPP_2S = { _class_name: 'DPMSolverSinglestepScheduler', algorithm_type: 'dpmsolver++', solver_order: 2, ...NO_KARRAS };
const UNIPC = { _class_name: 'UniPCMultistepScheduler', ...NO_KARRAS };
const DEIS = { _class_name: 'DEISMultistepScheduler', ...NO_KARRAS };
const DDIM = { _class_name: 'DDIMScheduler' };
const PLMS = { _class_name: 'PNDMScheduler', skip_prk_steps: true };
const PNDM = { _class_name: 'PNDMScheduler', skip_prk_steps: false };
const LCM = { _class_name: 'LCMScheduler' };
const DDPM = { _class_name: 'DDPMScheduler' };

/** AUTOMATIC1111 names, as diffusers' documentation maps them (its "DPM++ 2S a" and "DPM++ SDE" have no class here). */
const A1111: Readonly<Record<string, SchedulerConfig>> = {
  Euler: EULER, 'Euler Karras': { ...EULER, ...KARRAS }, 'Euler a': EULER_A,
  Heun: HEUN, 'Heun Karras': { ...HEUN, ...KARRAS },
  LMS: LMS, 'LMS Karras': { ...LMS, ...KARRAS },
  DPM2: DPM2, 'DPM2 Karras': { ...DPM2, ...KARRAS }, 'DPM2 a': DPM2_A, 'DPM2 a Karras': { ...DPM2_A, ...KARRAS },
  'DPM++ 2M': DPMPP_2M, 'DPM++ 2M Karras': { ...DPMPP_2M, ...KARRAS },
  'DPM++ 2M SDE': DPMPP_2M_SDE, 'DPM++ 2M SDE Karras': { ...DPMPP_2M_SDE, ...KARRAS },
  'DPM++ 2S': DPMPP_2S, 'DPM++ 2S Karras': { ...DPMPP_2S, ...KARRAS },
  UniPC: UNIPC, 'UniPC Karras': { ...UNIPC, ...KARRAS }, DEIS: DEIS, 'DEIS Karras': { ...DEIS, ...KARRAS },
  DDIM: DDIM, PLMS: PLMS, PNDM: PNDM, LCM: LCM, DDPM: DDPM,
};

/** ComfyUI sampler names; `<name>_karras` (ComfyUI's "karras" scheduler) is accepted where the class has Karras sigmas. */
const COMFY: Readonly<Record<string, SchedulerConfig>> = {
  euler: EULER, euler_ancestral: EULER_A, heun: HEUN, lms: LMS, dpm_2: DPM2, dpm_2_ancestral: DPM2_A,
  dpmpp_2m: DPMPP_2M, dpmpp_2m_sde: DPMPP_2M_SDE, ddim: DDIM, ddpm: DDPM, lcm: LCM, deis: DEIS,
  // ComfyUI's uni_pc is the bh1 variant; uni_pc_bh2 is diffusers' default.
  uni_pc: { ...UNIPC, solver_type: 'bh1' }, uni_pc_bh2: { ...UNIPC, solver_type: 'bh2' },
};

const TABLE: Readonly<Record<string, SchedulerConfig>> = Object.freeze({ ...A1111, ...COMFY, ...comfyKarras() });

function comfyKarras(): Record<string, SchedulerConfig> {
  const out: Record<string, SchedulerConfig> = {};
  for (const [name, config] of Object.entries(COMFY)) {
    if ('use_karras_sigmas' in config) out[`${name}_karras`] = { ...config, ...KARRAS };
  }
  return out;
}

/** The config overrides a sampler name stands for (exact, then case-insensitive), or undefined. */
export function samplerOverrides(name: string): SchedulerConfig | undefined {
  if (Object.hasOwn(TABLE, name)) return TABLE[name];
  const lower = name.trim().toLowerCase();
  const key = Object.keys(TABLE).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : TABLE[key];
}

/** Every sampler name a UI can offer (table names, then diffusers class names) whose class is registered. */
export function samplerNames(): string[] {
  const named = Object.keys(TABLE).filter((name) => hasScheduler(String(TABLE[name]!._class_name)));
  return [...named, ...schedulerClassNames()];
}

/**
 * The config to build for a requested sampler: a diffusers class name or a table name is merged over the model's
 * own scheduler config (diffusers' `Cls.from_config(pipe.scheduler.config)`); an object is merged over it as given.
 */
export function resolveSampler(
  sampler: string | SchedulerConfig | undefined,
  modelSchedulerConfig: SchedulerConfig,
): SchedulerConfig {
  const config = mergeSampler(sampler, modelSchedulerConfig);
  // Built once here, so a bad value fails with `invalid-scheduler-config` before any model work (and unknown classes
  // with `unknown-scheduler`); the class keeps only its own keys, so another class's bad key does not matter.
  createScheduler(config);
  return config;
}

function mergeSampler(sampler: string | SchedulerConfig | undefined, modelSchedulerConfig: SchedulerConfig): SchedulerConfig {
  if (sampler === undefined) return { ...modelSchedulerConfig };
  if (typeof sampler === 'object' && sampler !== null) {
    const className = sampler._class_name ?? modelSchedulerConfig._class_name;
    return { ...modelSchedulerConfig, ...sampler, _class_name: className };
  }
  if (typeof sampler === 'string') {
    if (hasScheduler(sampler)) return { ...modelSchedulerConfig, _class_name: sampler };
    const overrides = samplerOverrides(sampler);
    if (overrides) return { ...modelSchedulerConfig, ...overrides };
  }
  throw new DiffusionError(
    'unknown-scheduler',
    `Unknown sampler ${JSON.stringify(sampler)}; known: ${samplerNames().join(', ')}.`,
    { details: { sampler, known: samplerNames() } },
  );
}
