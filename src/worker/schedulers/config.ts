/**
 * Scheduler configs as diffusers writes them: parsing `scheduler_config.json` (which Python's `json` fills with
 * bare `Infinity` / `NaN`) and resolving a config against one class's constructor defaults.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { ResolvedSchedulerConfig, SchedulerConfig } from './scheduler.ts';
import { checkConfigValues } from './validate-config.ts';

/** A scheduler's effective config: every constructor key with its value, plus `_class_name`; frozen. */
export type ResolvedConfig = ResolvedSchedulerConfig;

const MARK = '\u0000py:';
const PY_TOKENS: Readonly<Record<string, number>> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

/** Parses a `scheduler_config.json`, accepting Python's `Infinity`, `-Infinity` and `NaN` tokens outside strings. */
export function parseSchedulerConfigJson(text: string): SchedulerConfig {
  let value: unknown;
  try {
    value = JSON.parse(quotePythonTokens(text), (_key, v: unknown) =>
      typeof v === 'string' && v.startsWith(MARK) ? PY_TOKENS[v.slice(MARK.length)] : v,
    );
  } catch (cause) {
    throw new DiffusionError('invalid-scheduler-config', 'The scheduler config is not valid JSON.', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DiffusionError('invalid-scheduler-config', 'The scheduler config must be a JSON object.');
  }
  return value as SchedulerConfig;
}

/** Rewrites bare `Infinity`, `-Infinity`, `NaN` (outside strings) into marked strings JSON.parse accepts. */
function quotePythonTokens(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token !== undefined) {
      out += JSON.stringify(MARK + token);
      i += token.length;
      continue;
    }
    out += c;
    i += 1;
  }
  return out;
}

/** The index just past the JSON string literal that starts at `start` (an unterminated one runs to the end). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/**
 * Fills `defaults` (one class's constructor keys and diffusers 0.24 default values) from `given`, keeping only known
 * keys as diffusers' `register_to_config` does, checks their values (`invalid-scheduler-config` naming the key),
 * and freezes the result with `_class_name` set to `className`.
 */
export function resolveConfig(
  className: string,
  defaults: Readonly<Record<string, unknown>>,
  given: SchedulerConfig = {},
): ResolvedConfig {
  if (typeof given !== 'object' || given === null) {
    throw new DiffusionError('invalid-scheduler-config', `The ${className} config must be an object.`);
  }
  const config: Record<string, unknown> = { _class_name: className };
  for (const [key, value] of Object.entries(defaults)) {
    config[key] = Object.hasOwn(given, key) && given[key] !== undefined ? given[key] : value;
  }
  checkConfigValues(className, defaults, config);
  return Object.freeze(config) as ResolvedConfig;
}

/** Reads a config value that must be one of `allowed`, failing with `invalid-scheduler-config` otherwise. */
export function oneOf<T extends string>(config: ResolvedConfig, key: string, allowed: readonly T[]): T {
  const value = config[key];
  if (allowed.includes(value as T)) return value as T;
  throw new DiffusionError(
    'invalid-scheduler-config',
    `${String(config._class_name)}: ${key} must be one of ${allowed.join(', ')}, got ${String(value)}.`,
    { details: { key, value } },
  );
}

/** Reads a numeric config value, failing with `invalid-scheduler-config` when it is not a number. */
export function num(config: ResolvedConfig, key: string): number {
  const value = config[key];
  if (typeof value === 'number') return value;
  throw new DiffusionError('invalid-scheduler-config', `${String(config._class_name)}: ${key} must be a number.`, {
    details: { key, value },
  });
}
