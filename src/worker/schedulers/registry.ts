/**
 * The scheduler classes by diffusers `_class_name`. Each algorithm file adds one line to {@link BUILT_IN}; code
 * outside the library can add more with {@link registerScheduler}.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { CMStochasticIterativeScheduler } from './cm-stochastic-iterative.ts';
import { DDIMInverseScheduler } from './ddim-inverse.ts';
import { DDIMScheduler } from './ddim.ts';
import { DDPMScheduler } from './ddpm.ts';
import { DEISMultistepScheduler } from './deis-multistep.ts';
import { DPMSolverMultistepInverseScheduler } from './dpm-solver-multistep-inverse.ts';
import { DPMSolverMultistepScheduler } from './dpm-solver-multistep.ts';
import { DPMSolverSDEScheduler } from './dpm-solver-sde.ts';
import { DPMSolverSinglestepScheduler } from './dpm-solver-singlestep.ts';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete.ts';
import { EulerDiscreteScheduler } from './euler-discrete.ts';
import { HeunDiscreteScheduler } from './heun-discrete.ts';
import { IPNDMScheduler } from './ipndm.ts';
import { KDPM2AncestralDiscreteScheduler } from './kdpm2-ancestral-discrete.ts';
import { KDPM2DiscreteScheduler } from './kdpm2-discrete.ts';
import { LCMScheduler } from './lcm.ts';
import { LMSDiscreteScheduler } from './lms-discrete.ts';
import { DDIMParallelScheduler, DDPMParallelScheduler } from './parallel.ts';
import { PNDMScheduler } from './pndm.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';
import { UnCLIPScheduler } from './unclip.ts';
import { UniPCMultistepScheduler } from './unipc-multistep.ts';

/** Builds a scheduler from a (partial) diffusers config; the factory fills in its class's defaults. */
export type SchedulerFactory = (config: SchedulerConfig) => Scheduler;

const BUILT_IN: Readonly<Record<string, SchedulerFactory>> = {
  DDPMScheduler: (c) => new DDPMScheduler(c),
  DDIMScheduler: (c) => new DDIMScheduler(c),
  PNDMScheduler: (c) => new PNDMScheduler(c),
  LCMScheduler: (c) => new LCMScheduler(c),
  EulerDiscreteScheduler: (c) => new EulerDiscreteScheduler(c),
  EulerAncestralDiscreteScheduler: (c) => new EulerAncestralDiscreteScheduler(c),
  HeunDiscreteScheduler: (c) => new HeunDiscreteScheduler(c),
  LMSDiscreteScheduler: (c) => new LMSDiscreteScheduler(c),
  DEISMultistepScheduler: (c) => new DEISMultistepScheduler(c),
  DPMSolverMultistepScheduler: (c) => new DPMSolverMultistepScheduler(c),
  DPMSolverSinglestepScheduler: (c) => new DPMSolverSinglestepScheduler(c),
  KDPM2AncestralDiscreteScheduler: (c) => new KDPM2AncestralDiscreteScheduler(c),
  KDPM2DiscreteScheduler: (c) => new KDPM2DiscreteScheduler(c),
  UniPCMultistepScheduler: (c) => new UniPCMultistepScheduler(c),
  IPNDMScheduler: (c) => new IPNDMScheduler(c),
  DDIMInverseScheduler: (c) => new DDIMInverseScheduler(c),
  DDPMParallelScheduler: (c) => new DDPMParallelScheduler(c),
  DDIMParallelScheduler: (c) => new DDIMParallelScheduler(c),
  UnCLIPScheduler: (c) => new UnCLIPScheduler(c),
  DPMSolverMultistepInverseScheduler: (c) => new DPMSolverMultistepInverseScheduler(c),
  CMStochasticIterativeScheduler: (c) => new CMStochasticIterativeScheduler(c),
  DPMSolverSDEScheduler: (c) => new DPMSolverSDEScheduler(c),
};

const factories = new Map<string, SchedulerFactory>(Object.entries(BUILT_IN));

/** Adds (or replaces) the factory for a diffusers class name. */
export function registerScheduler(className: string, factory: SchedulerFactory): void {
  factories.set(className, factory);
}

/** The diffusers class names {@link createScheduler} accepts, sorted. */
export function schedulerClassNames(): string[] {
  return [...factories.keys()].sort();
}

/** True when `className` names a registered scheduler class. */
export function hasScheduler(className: string): boolean {
  return factories.has(className);
}

/** A scheduler for `config`, picking the class by `_class_name`; unknown classes fail with `unknown-scheduler`. */
export function createScheduler(config: SchedulerConfig): Scheduler {
  const className = config._class_name;
  const factory = typeof className === 'string' ? factories.get(className) : undefined;
  if (factory) return factory(config);
  throw new DiffusionError(
    'unknown-scheduler',
    `Unknown scheduler class ${JSON.stringify(className)}; known: ${schedulerClassNames().join(', ')}.`,
    { details: { className, known: schedulerClassNames() } },
  );
}
