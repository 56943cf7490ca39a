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

/** createDiffusion for a fixture variant. */
export function load(variant: string, options: Partial<DiffusionOptions> = {}): Promise<Diffusion> {
  return createDiffusion({ model: modelUrl(variant), device: 'wasm', ...options });
}

/** True when not every RGB value of the image is the same. */
export function varies(image: ImageData): boolean {
  const first = image.data[0];
  return image.data.some((value, i) => i % 4 !== 3 && value !== first);
}
