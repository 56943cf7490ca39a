// Minimal assertions for browser tests (mocha runs them; no assertion library is needed for these few shapes).
import { DiffusionError } from '../../src/worker/protocol/errors.ts';

/** Throws with `message` unless `condition` holds. */
export function ok(condition: unknown, message = 'expected a truthy value'): asserts condition {
  if (!condition) throw new Error(message);
}

/** Strict equality with a readable failure. */
export function equal<T>(actual: T, expected: T, message = ''): void {
  if (!Object.is(actual, expected)) throw new Error(`${message} expected ${String(expected)}, got ${String(actual)}`.trim());
}

/** Deep equality through JSON, good enough for plain data. */
export function deepEqual(actual: unknown, expected: unknown, message = ''): void {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${message} expected ${b}, got ${a}`.trim());
}

/** Awaits `promise` and checks that it rejects with a DiffusionError of `code`; returns the error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<DiffusionError> {
  try {
    await promise;
  } catch (error) {
    const e = error as DiffusionError;
    if (e?.name !== 'DiffusionError' || e.code !== code) {
      throw new Error(`expected DiffusionError '${code}', got ${e?.name} '${(e as { code?: string })?.code}': ${e?.message}`);
    }
    return e;
  }
  throw new Error(`expected a rejection with code '${code}', but it resolved`);
}

/** Awaits `promise` and checks that it rejects with an AbortError. */
export async function rejectsWithAbort(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') return;
    throw new Error(`expected an AbortError, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
  }
  throw new Error('expected an AbortError, but it resolved');
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  equal(a.length, b.length, 'length');
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
