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

/** Paths the server has been asked for and not answered yet, under any prefix (the runtime's .wasm too). */
async function unanswered(): Promise<string[]> {
  return (await requestLogEntries('')).filter((entry) => entry.status === 0).map((entry) => entry.path);
}

async function requestLogEntries(prefix: string): Promise<{ path: string; status: number }[]> {
  const response = await fetch(`/__requests?prefix=${encodeURIComponent(prefix)}`);
  return ((await response.json()) as { entries: { path: string; status: number }[] }).entries;
}

/** How long a call may stay pending before its watchdog says where it is (fixture loads take 1-5 s). */
const WATCHDOG_MS = 45_000;

/**
 * Runs `run`; if it is still pending after WATCHDOG_MS, logs `what`, its last progress report, the server's log under
 * `prefix` and the requests still unanswered, then calls `onHang` (a load aborts itself there, to be retried).
 */
async function watched<T>(what: string, prefix: string, run: (onProgress: (p: unknown) => void) => Promise<T>, onHang?: () => void): Promise<T> {
  let last: unknown;
  const watchdog = setTimeout(() => {
    void Promise.all([requestsUnder(prefix), unanswered()]).then(([paths, open]) => {
      console.log(`${what} pending after ${WATCHDOG_MS / 1000} s; last progress ${JSON.stringify(last)}; requests ${paths.join(', ')}; unanswered: ${open.join(', ') || 'none'}`);
      onHang?.();
    });
  }, WATCHDOG_MS);
  try {
    return await run((progress) => { last = progress; });
  } finally {
    clearTimeout(watchdog);
  }
}

/** What a watched load hands to createDiffusion or createClip: a signal its watchdog aborts, and a progress tap. */
export interface Watch { readonly signal: AbortSignal; readonly onProgress: (progress: unknown) => void }

const HUNG = 'the load hung';

/**
 * Runs `make` (a createDiffusion or createClip call that takes `watch`'s signal and onProgress). A load still pending
 * after 45 s logs where it is, is aborted (its worker ends) and is made once more in a new worker: the intermittent
 * hang of docs/testing.md sits inside onnxruntime-web's first `InferenceSession.create` in a worker, and most loads
 * run in `before` hooks, which mocha does not retry, so one hang failed a whole file's tests. The log line stays.
 */
export async function loadWatched<T>(what: string, prefix: string, make: (watch: Watch) => Promise<T>): Promise<T> {
  const attempt = (retry: boolean) => {
    const hang = new AbortController();
    return watched(`${what}${retry ? ' (retried)' : ''}`, prefix, (onProgress) => make({ signal: hang.signal, onProgress }), () => hang.abort(new Error(HUNG)));
  };
  return attempt(false).catch((error: unknown) => {
    if (!(error instanceof Error && error.message === HUNG)) throw error;
    return attempt(true);
  });
}

/**
 * createDiffusion for a fixture variant, through loadWatched. A generate() still pending after 45 s logs its last
 * progress report and the server's log of the model's requests, so a test that hangs says where (WTR prints browser logs).
 */
export async function load(variant: string, options: Partial<DiffusionOptions> = {}): Promise<Diffusion> {
  const prefix = `/test/fixtures/models/${variant}/`;
  // A test may pass a bad onProgress or signal on purpose (bad-input tests): then it goes through as it is, unwatched.
  const user = options.onProgress;
  const plain = (user === undefined || typeof user === 'function') && (options.signal === undefined || options.signal instanceof AbortSignal);
  const diffusion = plain
    ? await loadWatched(`load(${variant})`, prefix, (watch) => createDiffusion({
      model: modelUrl(variant), device: 'wasm', ...options,
      signal: options.signal ? AbortSignal.any([options.signal, watch.signal]) : watch.signal,
      onProgress: (progress) => { watch.onProgress(progress); user?.(progress); },
    }))
    : await createDiffusion({ model: modelUrl(variant), device: 'wasm', ...options });
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
