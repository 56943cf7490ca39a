/** The one check of a request's texts (prompts, SDXL's second prompts), so every text field fails alike. */
import { DiffusionError } from './errors.ts';

/** `value` if it is a string, else `invalid-prompt` naming the field and what came instead. */
export function checkText(name: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new DiffusionError('invalid-prompt', `${name} must be a string; got ${value === null ? 'null' : typeof value}.`, { details: { field: name } });
  }
  return value;
}
