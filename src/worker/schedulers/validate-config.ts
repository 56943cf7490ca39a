/**
 * The value checks of scheduler configs, run where a config enters: when a scheduler is built from it (every
 * request's sampler, before any model work) and, for the noise schedule every sampler shares, when a model folder's
 * `scheduler_config.json` is loaded. A bad value fails with `invalid-scheduler-config` naming the key, instead of
 * an `internal` error later or a NaN image blamed on the GPU. See docs/decisions/0010-scheduler-config-checks.md.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { SchedulerConfig } from './scheduler.ts';

/** A rule: the problem with `value` in words ("must be ..."), or undefined when it is fine. */
type Rule = (value: unknown, config: SchedulerConfig) => string | undefined;

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const integerAtLeast = (min: number): Rule => (v) =>
  Number.isInteger(v) && (v as number) >= min ? undefined : `must be an integer >= ${min}`;
const integerIn = (min: number, max: number): Rule => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `must be an integer from ${min} to ${max}`;
const numberIn = (min: number, max: number, what: string): Rule => (v) =>
  isNumber(v) && v >= min && v < max ? undefined : `must be a number ${what}`;
const positive: Rule = (v) => (isNumber(v) && v > 0 ? undefined : 'must be a positive number');
const oneOf = (...allowed: string[]): Rule => (v) =>
  allowed.includes(v as string) ? undefined : `must be one of ${allowed.join(', ')}`;

/** Betas from a training run: null, or numbers in [0, 1) (an array or a typed array). */
const trainedBetas: Rule = (v) => {
  if (v === null) return undefined;
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) return 'must be null or an array of numbers';
  const values = Array.from(v as ArrayLike<unknown>);
  return values.length > 0 && values.every((b) => isNumber(b) && b >= 0 && b < 1) ? undefined : 'must hold numbers in [0, 1)';
};

/** The noise schedule: every sampler a model's config is merged into reads these, so they are checked at load. */
const NOISE_SCHEDULE_RULES: Readonly<Record<string, Rule>> = {
  // Its tables are allocated at construction, so a typo of 1e9 must not get that far.
  num_train_timesteps: integerIn(1, 100_000),
  beta_start: numberIn(0, 1, 'in [0, 1)'),
  beta_end: numberIn(0, 1, 'in [0, 1)'),
  beta_schedule: oneOf('linear', 'scaled_linear', 'squaredcos_cap_v2'),
  trained_betas: trainedBetas,
};

/** Keys several classes share, with their diffusers 0.24 meaning; each class still checks its own enums. */
const RULES: Readonly<Record<string, Rule>> = {
  ...NOISE_SCHEDULE_RULES,
  steps_offset: integerAtLeast(0),
  solver_order: integerAtLeast(1),
  original_inference_steps: integerAtLeast(1),
  timestep_spacing: oneOf('linspace', 'leading', 'trailing'),
  prediction_type: oneOf('epsilon', 'v_prediction', 'sample'),
  clip_sample_range: positive,
  sample_max_value: positive,
  dynamic_thresholding_ratio: numberIn(0, 1.0000001, 'in (0, 1]'),
  eta: numberIn(0, Infinity, '>= 0'),
  timestep_scaling: positive,
  // DPMSolverSDE's Brownian-tree entropy: numpy's SeedSequence takes any non-negative integer.
  noise_sampler_seed: (v) => (v === null || (Number.isSafeInteger(v) && (v as number) >= 0) ? undefined : 'must be null or an integer from 0 to 2^53 - 1'),
};

/** A failure naming `key` of `className`. */
function invalid(className: string, key: string, value: unknown, problem: string): DiffusionError {
  return new DiffusionError('invalid-scheduler-config', `${className}: ${key} ${problem}, got ${describe(value)}.`, {
    details: { key, value },
  });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The problem with a key no rule names: its type must match the default's (a null default takes anything). */
function typeProblem(value: unknown, fallback: unknown): string | undefined {
  if (fallback === null || fallback === undefined) return undefined;
  if (typeof fallback === 'number') return isNumber(value) ? undefined : 'must be a number';
  if (typeof fallback === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  if (typeof fallback === 'string') return typeof value === 'string' ? undefined : 'must be a string';
  if (Array.isArray(fallback)) return Array.isArray(value) ? undefined : 'must be an array';
  return undefined;
}

/** Checks every key of a resolved config (its class's keys only) against the rules and the defaults' types. */
export function checkConfigValues(className: string, defaults: Readonly<Record<string, unknown>>, config: SchedulerConfig): void {
  for (const key of Object.keys(defaults)) {
    const value = config[key];
    if (value === defaults[key]) continue;
    const problem = RULES[key]?.(value, config) ?? typeProblem(value, defaults[key]);
    if (problem !== undefined) throw invalid(className, key, value, problem);
  }
}

/**
 * The load-time check of a model folder's scheduler config: the noise-schedule keys it has. Keys only its own class
 * reads (an `algorithm_type`, a `solver_order`) are checked when that class is built, so a request naming another
 * sampler still runs; a bad noise schedule would break every sampler, so it fails the load.
 */
export function checkModelSchedulerConfig<T extends SchedulerConfig>(config: T): T {
  const className = typeof config._class_name === 'string' ? config._class_name : 'scheduler_config.json';
  for (const [key, rule] of Object.entries(NOISE_SCHEDULE_RULES)) {
    if (!Object.hasOwn(config, key) || config[key] === undefined) continue;
    const problem = rule(config[key], config);
    if (problem !== undefined) throw invalid(className, key, config[key], problem);
  }
  return config;
}
