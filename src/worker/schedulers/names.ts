/**
 * The resolution of a requested sampler against a model's own `scheduler_config.json` (so the betas and offsets stay
 * the model's). The names are pure data in `protocol/sampler-names.ts`, shared with the SDK and elements; what they
 * stand for is in `sampler-table.ts`.
 */
import { DiffusionError } from '../protocol/errors.ts';
import { SAMPLER_NAMES } from '../protocol/sampler-names.ts';
import { SAMPLER_TABLE, samplerOverrides } from './sampler-table.ts';
import { createScheduler, hasScheduler, schedulerClassNames } from './registry.ts';
import type { SchedulerConfig } from './scheduler.ts';

/** Every sampler name a UI can offer (table names, then diffusers class names) whose class is registered. */
export function samplerNames(): string[] {
  const named = SAMPLER_NAMES.filter((name) => hasScheduler(String(SAMPLER_TABLE[name]?._class_name)));
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
