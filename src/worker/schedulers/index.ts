/**
 * web-diffusion/schedulers: diffusers' samplers in TypeScript, pure functions of flat Float32Arrays, no DOM and
 * no ONNX, usable in a worker, a page or Node.
 */
export type { Scheduler, SchedulerConfig } from './scheduler.ts';
export type { SchedulerFactory } from './registry.ts';
export { createScheduler, registerScheduler, schedulerClassNames } from './registry.ts';
export { parseSchedulerConfigJson } from './config.ts';
export { resolveSampler, samplerNames } from './names.ts';
export { karrasSigmas } from './sigmas.ts';
