// Shared by the cache tests: the fault server's deterministic bytes, its URLs and request log, and direct access to
// the cache's IndexedDB database for tampering with stored chunks.
import { setCacheTuning } from '../../../src/worker/cache/model-cache.ts';
import type { ModelFileRequest } from '../../../src/worker/cache/model-cache.ts';

/** The fault server's `__bytes/<n>-<seed>` content (same xorshift32 stream as test/servers/fault-server.mjs). */
export function deterministicBytes(n: number, seed = 1): Uint8Array {
  const words = new Uint32Array(Math.ceil(n / 4));
  let x = (Math.imul(seed, 0x9e3779b1) ^ 0x2545f491) >>> 0 || 1;
  for (let i = 0; i < words.length; i += 1) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, n);
}

let nextId = 0;
const run = Math.random().toString(36).slice(2, 8);

/** A URL serving `n` bytes (seed `seed`) with `faults`, with its own fault state. */
export function bytesUrl(n: number, faults: string[] = [], seed = 1): string {
  const spec = [...faults, `id-${run}${(nextId += 1)}`].join(',');
  return new URL(`/__faults/${spec}/__bytes/${n}-${seed}`, location.href).href;
}

/** A file request for `url`, named after its model and path. */
export function fileRequest(url: string, extra: Partial<ModelFileRequest> = {}): ModelFileRequest {
  return { url, name: 'unet/model.onnx', modelId: 'test-model', ...extra };
}

/** The requests the fault server saw for `url`. */
export async function requestsFor(url: string): Promise<{ path: string; range?: string; ifRange?: string; status: number }[]> {
  const path = new URL(url).pathname;
  const response = await fetch(`/__faults-log?prefix=${encodeURIComponent(path)}`);
  return ((await response.json()) as { requests: { path: string; range?: string; ifRange?: string; status: number }[] }).requests.filter((r) => r.path === path);
}

/** True when both arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Chunk size the tests run with (small, so a few-MB file has many chunks). */
export const CHUNK = 256 * 1024;

/** Fresh cache and fast retries for each test. */
export async function resetCache(): Promise<void> {
  setCacheTuning({ chunkSize: CHUNK, retryBaseMs: 5, maxRetries: 3, verifyChunks: true, progressIntervalMs: 0 });
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase('web-diffusion-cache');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('web-diffusion-cache');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Replaces (or, with undefined, deletes) a stored value of the cache database, as disk corruption or a bug would. */
export async function tamper(key: IDBValidKey, value: unknown): Promise<void> {
  const db = await openDb();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('files', 'readwrite');
      if (value === undefined) tx.objectStore('files').delete(key);
      else tx.objectStore('files').put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Reads a stored value of the cache database. */
export async function peek<T>(key: IDBValidKey): Promise<T | undefined> {
  const db = await openDb();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const request = db.transaction('files', 'readonly').objectStore('files').get(key);
      request.onsuccess = () => resolve(request.result as T | undefined);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}
