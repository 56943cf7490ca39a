// Where the generated tiny models are served, and small helpers shared by the SDK tests.
import { createDiffusion, type DiffusionOptions } from '../../src/sdk/index.ts';
import type { Diffusion } from '../../src/sdk/diffusion.ts';

/** The fixture variants (tools/fixtures/variants.ts), one per export family. */
export const VARIANTS = ['optimum-fp32', 'web-int64', 'olive-fp16', 'optimum-external'] as const;

/** The folder URL of a fixture variant. */
export const modelUrl = (variant: string) => new URL(`/test/fixtures/models/${variant}/`, location.href).href;

/** A small, fast request for the tiny models. */
export const smallRequest = { prompt: 'a red fox in the snow', width: 64, height: 64, steps: 2, seed: 42 } as const;

/** Deletes every IndexedDB database of this origin so a test starts with a cold model cache. */
export async function clearModelCache(): Promise<void> {
  const databases = await indexedDB.databases();
  await Promise.all(databases.map(({ name }) => new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name!);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  })));
}

/** The server's request log for paths under `prefix`. */
export async function requestsUnder(prefix: string): Promise<string[]> {
  const response = await fetch(`/__requests?prefix=${encodeURIComponent(prefix)}`);
  return ((await response.json()) as { paths: string[] }).paths;
}

/** The paths under `prefix` the server sent a body for: every request but the conditional ones answered 304. */
export async function downloadsUnder(prefix: string): Promise<string[]> {
  const response = await fetch(`/__requests?prefix=${encodeURIComponent(prefix)}`);
  const { entries } = (await response.json()) as { entries: { path: string; status: number }[] };
  return entries.filter((entry) => entry.status !== 304).map((entry) => entry.path);
}

/** Resets the server's request log. */
export async function resetRequestLog(): Promise<void> {
  await fetch('/__requests', { method: 'DELETE' });
}

/** Logs `what`, its last progress report and the server's log under `prefix` if `run` is still pending after 45 s. */
async function watched<T>(what: string, prefix: string, run: (onProgress: (p: unknown) => void) => Promise<T>): Promise<T> {
  let last: unknown;
  const watchdog = setTimeout(() => {
    void requestsUnder(prefix).then((paths) => {
      console.log(`${what} pending after 45 s; last progress ${JSON.stringify(last)}; requests ${paths.join(', ')}`);
    });
  }, 45_000);
  try {
    return await run((progress) => { last = progress; });
  } finally {
    clearTimeout(watchdog);
  }
}

/**
 * createDiffusion for a fixture variant. A load or a generate() still pending after 45 s logs its last progress
 * report and the server's log of the model's requests, so a test that hangs says where (WTR prints browser logs).
 */
export async function load(variant: string, options: Partial<DiffusionOptions> = {}): Promise<Diffusion> {
  const prefix = `/test/fixtures/models/${variant}/`;
  // A test may pass a bad onProgress on purpose (bad-input tests): then it goes through as it is, unwatched.
  const user = options.onProgress;
  const diffusion = await watched(`load(${variant})`, prefix, (watch) => createDiffusion({
    model: modelUrl(variant), device: 'wasm', ...options,
    onProgress: user === undefined || typeof user === 'function' ? (progress) => { watch(progress); user?.(progress); } : user,
  }));
  const generate = diffusion.generate.bind(diffusion);
  diffusion.generate = (request, runOptions = {}) => {
    const onProgress = runOptions?.onProgress;
    const bad = typeof runOptions !== 'object' || runOptions === null || (onProgress !== undefined && typeof onProgress !== 'function');
    if (bad) return generate(request, runOptions);
    return watched(`generate(${variant})`, prefix, (watch) => generate(request, {
      ...runOptions, onProgress: (progress) => { watch(progress); onProgress?.(progress); },
    }));
  };
  return diffusion;
}

/** True when not every RGB value of the image is the same. */
export function varies(image: ImageData): boolean {
  const first = image.data[0];
  return image.data.some((value, i) => i % 4 !== 3 && value !== first);
}
