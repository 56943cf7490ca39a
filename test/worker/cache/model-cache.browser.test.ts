// The model cache in real Chromium with real IndexedDB: download with progress, serve from the cache with zero
// requests, versions, management, quota. Faults are in faults.browser.test.ts, concurrency in concurrency.browser.test.ts.
import { deepEqual, equal, ok, rejectsWithCode } from '../../helpers/assert.ts';
import {
  cacheUsage, deleteCachedModel, ensureQuota, fetchModelFile, fetchOptionalFile, listCachedModels, cacheModelFile, openModelFile,
  type CacheEvent, type FileProgress,
} from '../../../src/worker/cache/model-cache.ts';
import { sha256Hex } from '../../../src/worker/cache/sha256.ts';
import { bytesUrl, CHUNK, deterministicBytes, fileRequest, peek, requestsFor, resetCache, sameBytes, tamper } from './helpers.ts';

const SIZE = 3 * CHUNK + 1234;

describe('model cache', () => {
  beforeEach(resetCache);

  it('downloads with byte progress, stores, and serves the second load with zero requests', async () => {
    const url = bytesUrl(SIZE);
    const progress: FileProgress[] = [];
    const events: CacheEvent[] = [];
    const options = { onProgress: (p: FileProgress) => progress.push(p), onCacheEvent: (e: CacheEvent) => events.push(e) };
    const first = await fetchModelFile(fileRequest(url, { size: SIZE }), options);
    ok(sameBytes(first, deterministicBytes(SIZE)), 'downloaded bytes differ from the source');
    const last = progress.at(-1)!;
    deepEqual([last.loaded, last.total, last.fromCache], [SIZE, SIZE, false]);
    deepEqual(events.map((e) => e.event), ['stored']);

    progress.length = events.length = 0;
    const second = await fetchModelFile(fileRequest(url, { size: SIZE }), options);
    ok(sameBytes(second, first), 'cached bytes differ');
    equal((await requestsFor(url)).length, 1, 'requests for the file in total');
    deepEqual(events.map((e) => e.event), ['hit']);
    ok(progress.every((p) => p.fromCache) && progress.at(-1)!.loaded === SIZE, 'cache progress');
  });

  it('openModelFile gives a Blob over the stored chunks: the source bytes, downloaded once, then checked from the cache', async () => {
    const url = bytesUrl(SIZE);
    const events: CacheEvent[] = [];
    const progress: FileProgress[] = [];
    const options = { onProgress: (p: FileProgress) => progress.push(p), onCacheEvent: (e: CacheEvent) => events.push(e) };
    const first = await openModelFile(fileRequest(url, { size: SIZE }), options);
    ok(first instanceof Blob && first.size === SIZE);
    ok(sameBytes(new Uint8Array(await first.arrayBuffer()), deterministicBytes(SIZE)), 'downloaded bytes differ from the source');
    progress.length = 0;
    const second = await openModelFile(fileRequest(url, { size: SIZE }), options);
    ok(sameBytes(new Uint8Array(await second.arrayBuffer()), deterministicBytes(SIZE)), 'cached bytes differ');
    deepEqual(events.map((e) => e.event), ['stored', 'hit']);
    equal((await requestsFor(url)).length, 1, 'requests for the file in total');
    deepEqual(progress.map((p) => p.loaded), [CHUNK, 2 * CHUNK, 3 * CHUNK, SIZE], 'one progress event per checked chunk');
  });

  it('openModelFile evicts a chunk that fails its SHA-256 and downloads the file again', async () => {
    const url = bytesUrl(SIZE);
    await cacheModelFile(fileRequest(url));
    const chunk = deterministicBytes(SIZE).slice(CHUNK, 2 * CHUNK);
    chunk[7] ^= 1;
    await tamper(['c', url, 1], new Blob([chunk]));
    const events: CacheEvent[] = [];
    const blob = await openModelFile(fileRequest(url), { onCacheEvent: (e) => events.push(e) });
    ok(sameBytes(new Uint8Array(await blob.arrayBuffer()), deterministicBytes(SIZE)));
    deepEqual(events.map((e) => e.event), ['evicted-corrupt', 'stored']);
  });

  it('verifies a manifest SHA-256 as it streams', async () => {
    const url = bytesUrl(SIZE, [], 7);
    const sha256 = sha256Hex(deterministicBytes(SIZE, 7));
    const bytes = await fetchModelFile(fileRequest(url, { size: SIZE, sha256 }));
    ok(sameBytes(bytes, deterministicBytes(SIZE, 7)));
    const error = await rejectsWithCode(fetchModelFile(fileRequest(bytesUrl(SIZE), { sha256 })), 'integrity-failed');
    ok(/SHA-256/.test(error.message), error.message);
  });

  it('handles files of 0 bytes, under one chunk, and exactly whole chunks', async () => {
    for (const size of [0, 1000, 2 * CHUNK]) {
      const url = bytesUrl(size);
      ok(sameBytes(await fetchModelFile(fileRequest(url)), deterministicBytes(size)), `size ${size}`);
      ok(sameBytes(await fetchModelFile(fileRequest(url)), deterministicBytes(size)), `cached size ${size}`);
      equal((await requestsFor(url)).length, 1, `requests for size ${size}`);
    }
  });

  it('404 -> model-not-found; an optional file resolves to undefined', async () => {
    const url = bytesUrl(100, ['404']);
    await rejectsWithCode(fetchModelFile(fileRequest(url)), 'model-not-found');
    equal(await fetchOptionalFile(fileRequest(url)), undefined);
    deepEqual(await listCachedModels(), []);
  });

  it('remembers an optional file\'s 404 per revision, so the next load asks nothing; deleting the model forgets it', async () => {
    const url = bytesUrl(100, ['404']);
    const optional = (revision?: string) => fetchOptionalFile(fileRequest(url, { revision, modelId: 'm' }));
    equal(await optional(), undefined);
    equal(await optional(), undefined);
    equal((await requestsFor(url)).length, 1, 'requests after two loads');
    await rejectsWithCode(fetchModelFile(fileRequest(url)), 'model-not-found');
    equal((await requestsFor(url)).length, 2, 'a required file is always asked for');
    equal(await optional('v2'), undefined);
    equal((await requestsFor(url)).length, 3, 'another revision asks again');
    equal(await deleteCachedModel('m'), 0);
    equal(await optional('v2'), undefined);
    equal((await requestsFor(url)).length, 4, 'deleted with its model');
  });

  it('an optional file that appears later is served once stored, whatever 404 was remembered', async () => {
    const url = bytesUrl(SIZE);
    await listCachedModels(); // creates the database
    await tamper(['n', url], { url, name: 'unet/model.onnx', modelId: 'test-model', revision: 'v1', checkedAt: 0 });
    ok(sameBytes((await fetchOptionalFile(fileRequest(url, { revision: 'v2' })))!, deterministicBytes(SIZE)));
    equal(await peek(['n', url]), undefined, 'storing the file drops its 404');
    ok(sameBytes((await fetchOptionalFile(fileRequest(url, { revision: 'v2' })))!, deterministicBytes(SIZE)));
    equal((await requestsFor(url)).length, 1);
  });

  it('a new revision is downloaded again and the old revision removed', async () => {
    const oldUrl = bytesUrl(SIZE, [], 1);
    await fetchModelFile(fileRequest(oldUrl, { revision: 'v1' }));
    const events: string[] = [];
    const onCacheEvent = (e: CacheEvent) => events.push(e.event);
    await fetchModelFile(fileRequest(oldUrl, { revision: 'v2' }), { onCacheEvent });
    deepEqual(events, ['evicted-stale', 'stored']);
    equal((await requestsFor(oldUrl)).length, 2);

    events.length = 0;
    const newUrl = bytesUrl(SIZE, [], 2);
    await fetchModelFile(fileRequest(newUrl, { revision: 'v3' }), { onCacheEvent });
    deepEqual(events, ['stored', 'evicted-stale'], 'the v2 file at another URL is removed');
    const [model] = await listCachedModels();
    deepEqual(model.revisions, ['v3']);
    deepEqual(model.files.map((f) => f.url), [newUrl]);
  });

  it('lists models with sizes and dates; deletion frees the space', async () => {
    const start = Date.now();
    await fetchModelFile(fileRequest(bytesUrl(SIZE), { modelId: 'a' }));
    await fetchModelFile(fileRequest(bytesUrl(CHUNK), { modelId: 'a', name: 'vae_decoder/model.onnx' }));
    await cacheModelFile(fileRequest(bytesUrl(SIZE), { modelId: 'b' }));
    const models = await listCachedModels();
    deepEqual(models.map((m) => [m.modelId, m.bytes, m.files.length, m.complete]).sort(), [['a', SIZE + CHUNK, 2, true], ['b', SIZE, 1, true]]);
    ok(models.every((m) => m.createdAt >= start && m.usedAt >= m.createdAt), 'dates');
    const before = await cacheUsage();
    deepEqual([before.bytes, before.files, before.models], [2 * SIZE + CHUNK, 3, 2]);
    ok(before.quota! > 0 && before.usage! >= 0, 'origin estimate');

    equal(await deleteCachedModel('a'), SIZE + CHUNK);
    const after = await cacheUsage();
    deepEqual([after.bytes, after.files, after.models], [SIZE, 1, 1]);
    deepEqual((await listCachedModels()).map((m) => m.modelId), ['b']);
  });

  it('refuses a download that cannot fit before making any request: quota-exceeded with the numbers', async () => {
    const url = bytesUrl(SIZE);
    const error = await rejectsWithCode(fetchModelFile(fileRequest(url, { size: 2 ** 52 })), 'quota-exceeded');
    ok(typeof error.details.available === 'number' && error.details.required === 2 ** 52, JSON.stringify(error.details));
    equal((await requestsFor(url)).length, 0);
    await rejectsWithCode(ensureQuota(2 ** 52), 'quota-exceeded');
    await ensureQuota(SIZE);
  });

  it('checks the quota against Content-Length when the manifest gives no size', async () => {
    const storage = navigator.storage;
    const original = storage.estimate;
    storage.estimate = async () => ({ usage: 0, quota: SIZE - 1 });
    try {
      await rejectsWithCode(fetchModelFile(fileRequest(bytesUrl(SIZE))), 'quota-exceeded');
      deepEqual(await listCachedModels(), []);
    } finally {
      storage.estimate = original;
    }
  });

  it('a QuotaExceededError mid-write removes the partial entry and raises quota-exceeded', async () => {
    const put = IDBObjectStore.prototype.put;
    let chunks = 0;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (value instanceof Blob && ++chunks === 3) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    };
    try {
      await rejectsWithCode(fetchModelFile(fileRequest(bytesUrl(SIZE))), 'quota-exceeded');
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    deepEqual(await listCachedModels(), [], 'nothing left behind');
  });
});
