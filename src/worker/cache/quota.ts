/** Storage quota: refuse a download that cannot fit before it starts, and ask for persistent storage. */
import { DiffusionError } from '../protocol/errors.ts';

/** Throws `quota-exceeded` (with the numbers) unless `bytes` more fit in this origin's storage. */
export async function ensureQuota(bytes: number): Promise<void> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.estimate || bytes <= 0) return;
  const { usage = 0, quota } = await storage.estimate();
  if (quota === undefined) return;
  const available = Math.max(0, quota - usage);
  if (bytes > available) {
    throw new DiffusionError('quota-exceeded',
      `The model needs ${mb(bytes)} of storage but only ${mb(available)} is available (${mb(usage)} used of ${mb(quota)}).`,
      { details: { required: bytes, available, usage, quota } });
  }
}

/**
 * Asks the browser to keep this origin's storage under pressure (`navigator.storage.persist()`); resolves to whether
 * storage is persistent. `persist()` exists only on the main thread: in a worker this reports `persisted()`.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage) return false;
  if (typeof storage.persist === 'function') return storage.persist();
  return typeof storage.persisted === 'function' ? storage.persisted() : false;
}

/** True for the error a write raises when the origin is out of quota. */
export function isQuotaError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
