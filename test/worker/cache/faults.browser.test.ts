// Every network fault ends in the source's exact bytes or a clear error, and never in a corrupt cache entry.
// The fault server (test/servers/fault-server.mjs) injects them; see its header for the spec syntax.
import { deepEqual, equal, ok, rejectsWithAbort, rejectsWithCode } from '../../helpers/assert.ts';
import { fetchModelFile, listCachedModels, type CacheEvent, type FileProgress } from '../../../src/worker/cache/model-cache.ts';
import { sha256Hex } from '../../../src/worker/cache/sha256.ts';
import { bytesUrl, CHUNK, deterministicBytes, fileRequest, requestsFor, resetCache, sameBytes, tamper, peek } from './helpers.ts';

const SIZE = 4 * CHUNK + 4321;
const source = deterministicBytes(SIZE);

async function loadsIntact(url: string, extra = {}): Promise<void> {
  ok(sameBytes(await fetchModelFile(fileRequest(url, extra)), source), 'bytes differ from the source');
}

/** Nothing complete is stored for `url` (a partial download may stay, for a later resume). */
async function noCompleteEntry(url: string): Promise<void> {
  const files = (await listCachedModels()).flatMap((m) => m.files).filter((f) => f.url === url);
  ok(files.every((f) => !f.complete), 'a failed file is listed as complete');
}

describe('model cache under network faults', () => {
  beforeEach(resetCache);

  // Chromium discards the bytes it received but the page had not read yet when a response fails, so a localhost
  // server faster than IndexedDB would lose everything after the last read; `slow-5` paces it like a real network.
  it('connection dropped at byte N: resumes with Range from the last stored chunk', async () => {
    const url = bytesUrl(SIZE, ['slow-5', 'drop-700000']);
    await loadsIntact(url);
    const requests = await requestsFor(url);
    deepEqual(requests.map((r) => r.range), [undefined, `bytes=${2 * CHUNK}-`]);
    ok(requests[1].ifRange?.startsWith('"bytes-'), 'If-Range guards the resume');
    equal(requests[1].status, 206);
  });

  it('500 once: retries and succeeds', async () => {
    const url = bytesUrl(SIZE, ['500-once']);
    await loadsIntact(url);
    deepEqual((await requestsFor(url)).map((r) => r.status), [500, 200]);
  });

  it('500 every time: download-failed with the cause after the bounded retries', async () => {
    const url = bytesUrl(SIZE, ['500']);
    const error = await rejectsWithCode(fetchModelFile(fileRequest(url)), 'download-failed');
    ok(/500/.test(String((error.cause as Error)?.message)), `cause: ${String(error.cause)}`);
    equal((await requestsFor(url)).length, 4, 'one try and 3 retries');
    await noCompleteEntry(url);
  });

  it('connection cut every 1.5 chunks: each retry makes progress, so it completes', async () => {
    const url = bytesUrl(SIZE, ['slow-5', `dropevery-${1.5 * CHUNK}`]);
    await loadsIntact(url);
    ok((await requestsFor(url)).length >= 4, 'several resumes');
  });

  it('connection cut before any chunk completes: download-failed, then a clean load succeeds', async () => {
    const url = bytesUrl(SIZE, [`dropevery-${CHUNK / 2}`]);
    await rejectsWithCode(fetchModelFile(fileRequest(url)), 'download-failed');
    await noCompleteEntry(url);
  });

  it('slow server: many progress events, exact bytes', async () => {
    const url = bytesUrl(SIZE, ['slow-10']);
    const progress: FileProgress[] = [];
    ok(sameBytes(await fetchModelFile(fileRequest(url), { onProgress: (p) => progress.push(p) }), source));
    ok(progress.length >= 10, `${progress.length} progress events`);
    ok(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1].loaded), 'progress never goes back');
  });

  it('aborted mid-download: AbortError, no complete entry, and the next load resumes', async () => {
    const url = bytesUrl(SIZE, ['slow-10']);
    const controller = new AbortController();
    const onProgress = (p: FileProgress) => { if (p.loaded > 2.5 * CHUNK) controller.abort(); };
    await rejectsWithAbort(fetchModelFile(fileRequest(url), { signal: controller.signal, onProgress }));
    await noCompleteEntry(url);
    await loadsIntact(url);
    deepEqual((await requestsFor(url)).map((r) => r.range), [undefined, `bytes=${2 * CHUNK}-`]);
  });

  it('a server without Range support: the resume gets the whole file and starts over', async () => {
    const url = bytesUrl(SIZE, ['norange', 'slow-5', 'drop-700000']);
    await loadsIntact(url);
    const requests = await requestsFor(url);
    deepEqual(requests.map((r) => [r.range, r.status]), [[undefined, 200], [`bytes=${2 * CHUNK}-`, 200]]);
  });

  it('a Content-Length longer than the body: download-failed (or integrity-failed with a manifest size)', async () => {
    const url = bytesUrl(SIZE, ['badlength-1000']);
    await rejectsWithCode(fetchModelFile(fileRequest(url)), 'download-failed');
    await noCompleteEntry(url);
    const sized = bytesUrl(SIZE, ['badlength-1000']);
    const error = await rejectsWithCode(fetchModelFile(fileRequest(sized, { size: SIZE })), 'integrity-failed');
    deepEqual([error.details.expected, error.details.actual], [SIZE, SIZE + 1000]);
    await noCompleteEntry(sized);
  });

  it('a Content-Length shorter than the file: integrity-failed against the manifest size', async () => {
    const url = bytesUrl(SIZE, ['badlength--1000']);
    await rejectsWithCode(fetchModelFile(fileRequest(url, { size: SIZE })), 'integrity-failed');
    deepEqual(await listCachedModels(), []);
  });

  it('one corrupted byte: integrity-failed against the manifest SHA-256, nothing stored', async () => {
    const sha256 = sha256Hex(source);
    const url = bytesUrl(SIZE, ['corrupt-500000']);
    const error = await rejectsWithCode(fetchModelFile(fileRequest(url, { size: SIZE, sha256 })), 'integrity-failed');
    equal(error.details.expected, sha256);
    deepEqual(await listCachedModels(), []);
    await loadsIntact(bytesUrl(SIZE), { size: SIZE, sha256 });
  });

  it('a download resumed in a later session still verifies the SHA-256 (saved hash state)', async () => {
    const sha256 = sha256Hex(source);
    const url = bytesUrl(SIZE, ['slow-10']);
    const controller = new AbortController();
    const onProgress = (p: FileProgress) => { if (p.loaded > 3.2 * CHUNK) controller.abort(); };
    await rejectsWithAbort(fetchModelFile(fileRequest(url, { sha256 }), { signal: controller.signal, onProgress }));
    await loadsIntact(url, { sha256 });
    equal((await requestsFor(url))[1].range, `bytes=${3 * CHUNK}-`);
  });

  for (const [what, damage] of [
    ['a flipped byte in a chunk', async (url: string) => {
      const chunk = new Uint8Array(await (await peek<Blob>(['c', url, 1]))!.arrayBuffer());
      chunk[100] ^= 1;
      await tamper(['c', url, 1], new Blob([chunk]));
    }],
    ['a missing chunk', (url: string) => tamper(['c', url, 2], undefined)],
    ['a short chunk', (url: string) => tamper(['c', url, 0], new Blob([new Uint8Array(10)]))],
    ['a record with the wrong chunk count', async (url: string) => {
      const record = (await peek<Record<string, unknown>>(['f', url]))!;
      await tamper(['f', url], { ...record, chunkCount: 3 });
    }],
  ] as const) {
    it(`a cached entry with ${what} is evicted, reported and downloaded again`, async () => {
      const url = bytesUrl(SIZE);
      await loadsIntact(url);
      await damage(url);
      const events: CacheEvent[] = [];
      ok(sameBytes(await fetchModelFile(fileRequest(url), { onCacheEvent: (e) => events.push(e) }), source));
      deepEqual(events.map((e) => e.event), ['evicted-corrupt', 'stored']);
      equal((await requestsFor(url)).length, 2);
    });
  }

  it('after one download the file loads with the server gone', async () => {
    const url = bytesUrl(SIZE);
    await loadsIntact(url);
    const original = window.fetch;
    window.fetch = () => Promise.reject(new TypeError('Failed to fetch (offline)'));
    try {
      await loadsIntact(url);
    } finally {
      window.fetch = original;
    }
  });
});
