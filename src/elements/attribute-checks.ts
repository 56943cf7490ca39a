/**
 * Checks for attribute-backed properties. An invalid value (a negative `steps`, a `seed` that is not a
 * number) is ignored with a console warning and the previous value, normally the default, is kept: a typo in
 * markup should not break the page, and the warning says what was expected.
 */
import type { PropertyValues, ReactiveElement } from 'lit';
import { REQUEST_RULES, type ValueRule } from '../sdk/request-rules.ts';

/** One property's rule: the test and the words for the warning. */
export type AttributeRule = ValueRule;

/** Rules shared by both elements. */
export const rules = {
  // The SDK's own rules, so an attribute the element accepts is one the SDK accepts.
  ...REQUEST_RULES,
  brushSize: { valid: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 1 && v <= 1024, expected: 'a number from 1 to 1024' },
  tool: { valid: (v) => v === 'brush' || v === 'eraser', expected: '"brush" or "eraser"' },
  device: { valid: (v) => v === 'auto' || v === 'webgpu' || v === 'wasm', expected: '"auto", "webgpu" or "wasm"' },
} satisfies Record<string, AttributeRule>;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Call from `willUpdate`: puts back the previous value (or the default) of every changed property that breaks its rule.
 * `null` and `undefined` (attribute removed) are always allowed and mean "the default".
 */
export function keepValid(
  host: ReactiveElement, changed: PropertyValues, table: Readonly<Record<string, AttributeRule>>, defaults: Readonly<Record<string, unknown>> = {},
): void {
  const self = host as unknown as Record<string, unknown>;
  for (const [name, rule] of Object.entries(table)) {
    if (!changed.has(name)) continue;
    const value = self[name];
    if (value === undefined || value === null || rule.valid(value)) continue;
    // The first change of an update records the value before it; for a class-field default that is undefined.
    const previous = changed.get(name) ?? defaults[name];
    const shown = typeof value === 'number' && Number.isNaN(value) ? host.getAttribute(kebab(name)) : value;
    console.warn(`<${host.localName}> ignored ${kebab(name)}="${String(shown)}": expected ${rule.expected}; keeping ${previous === undefined ? 'the default' : String(previous)}.`);
    self[name] = previous;
  }
}

/** `Number` for attributes, but `null` when the attribute is removed and NaN for text that is not a number. */
export const numberAttribute = {
  fromAttribute: (value: string | null): number | null => (value === null ? null : value.trim() === '' ? Number.NaN : Number(value)),
  toAttribute: (value: number | null | undefined): string | null => (value === null || value === undefined ? null : String(value)),
};
