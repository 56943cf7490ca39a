// Concurrent loads of one file: in one page, in two workers (as two tabs would), and a worker killed mid-download
// (as a closed tab) whose partial download the next load resumes. Web Locks keep one writer per file.
import { deepEqual, equal, ok } from '../../helpers/assert.ts';
import { fetchModelFile, listCachedModels, type CacheEvent } from '../../../src/worker/cache/model-cache.ts';
import { bytesUrl, CHUNK, deterministicBytes, fileRequest, requestsFor, resetCache, sameBytes } from './helpers.ts';

const SIZE = 4 * CHUNK + 999;
const source = deterministicBytes(SIZE);

interface Loader { worker: Worker; result: Promise<Uint8Array> }

/** Starts a worker loading `url`; `onProgress` sees its byte counts. */
function startWorker(url: string, onProgress?: (loaded: number) => void): Loader {
  const worker = new Worker(new URL('./cache-worker.ts', import.meta.url), { type: 'module' });
  const result = new Promise<Uint8Array>((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.progress !== undefined) onProgress?.(data.progress);
      else if (data.bytes) resolve(data.bytes);
      else reject(new Error(data.error));
    };
    worker.onerror = (event) => reject(new Error(event.message));
  });
  worker.postMessage({ url, size: SIZE, chunkSize: CHUNK });
  return { worker, result };
}

describe('model cache across tabs', () => {
  beforeEach(resetCache);

  it('two loads at once in one page: one download, the other a cache hit, both intact', async () => {
    const url = bytesUrl(SIZE, ['slow-5']);
    const events: string[] = [];
    const onCacheEvent = (e: CacheEvent) => events.push(e.event);
    const [a, b] = await Promise.all([fetchModelFile(fileRequest(url), { onCacheEvent }), fetchModelFile(fileRequest(url), { onCacheEvent })]);
    ok(sameBytes(a, source) && sameBytes(b, source), 'bytes differ');
    deepEqual(events, ['stored', 'hit']);
    equal((await requestsFor(url)).length, 1);
  });

  it('two workers (two tabs) at once: both intact, one download', async () => {
    const url = bytesUrl(SIZE, ['slow-5']);
    const loaders = [startWorker(url), startWorker(url)];
    try {
      const results = await Promise.all(loaders.map((l) => l.result));
      ok(results.every((bytes) => sameBytes(bytes, source)), 'bytes differ');
      equal((await requestsFor(url)).length, 1);
    } finally {
      for (const loader of loaders) loader.worker.terminate();
    }
  });

  it('a worker killed mid-download (a closed tab) leaves no complete entry; the next load resumes', async () => {
    const url = bytesUrl(SIZE, ['slow-20']);
    let kill!: () => void;
    const killed = new Promise<void>((resolve) => { kill = resolve; });
    const loader = startWorker(url, (loaded) => { if (loaded > 2.5 * CHUNK) kill(); });
    await killed;
    loader.worker.terminate();
    // The lock of a terminated worker is released asynchronously; the next load waits for it.
    const models = await listCachedModels();
    ok(models.every((m) => m.files.every((f) => !f.complete)), 'a half-written file is listed as complete');
    ok(sameBytes(await fetchModelFile(fileRequest(url)), source), 'bytes differ');
    const ranges = (await requestsFor(url)).map((r) => r.range);
    equal(ranges.length, 2);
    const start = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    ok(start > 0 && start % CHUNK === 0, `resumed with ${ranges[1]}`);
  });
});
