// Bundle budgets of issue 13: the elements list sampler names from a pure table, so no scheduler code may reach
// dist/elements.js, and both page-facing bundles stay small. Sizes of built files, not timings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUNDLE_BUDGETS, ELEMENTS_CEILING, INDEX_CEILING, measureBundle } from '../../bench/bundle-size.ts';

// Names only scheduler code contains: the contract's methods and the sigma schedules (the name table has class
// names as strings, so those are no marker).
const SCHEDULER_MARKERS = ['scaleModelInput', 'initNoiseSigma', 'karrasSigmas'];

describe('bundle sizes', () => {
  it('dist/elements.js holds no scheduler code and stays under its ceiling', async () => {
    const elements = await measureBundle('elements');
    // With the SDK it imports from index.js: nothing a page loads for the elements may hold scheduler code.
    for (const marker of SCHEDULER_MARKERS) assert.ok(!elements.withImports.code.includes(marker), `elements bundle contains ${marker}`);
    assert.ok(elements.gzipped <= ELEMENTS_CEILING, `${elements.gzipped} B min+gzip > ${ELEMENTS_CEILING} B`);
  });

  // elements.js imports the SDK from index.js (decision 0012), so its budget holds Lit and the elements; the SDK is
  // index.js's budget. A page with elements downloads both (the bench prints the sum).
  it('dist/elements.js fits the 20 kB budget and imports nothing but index.js', async () => {
    const elements = await measureBundle('elements');
    assert.ok(elements.gzipped <= BUNDLE_BUDGETS.elements, `${elements.gzipped} B min+gzip > ${BUNDLE_BUDGETS.elements} B`);
    assert.deepEqual(elements.withImports.files, ['elements.js', 'index.js']);
  });

  it('dist/index.js stays under its ceiling', async () => {
    const index = await measureBundle('index');
    assert.ok(index.gzipped <= INDEX_CEILING, `${index.gzipped} B min+gzip > ${INDEX_CEILING} B`);
  });

  it("dist/index.js leaves CLIP's half of the SDK to a chunk that createClip loads on first use", async () => {
    const index = await measureBundle('index');
    const clipMarkers = ['cosineMatrix', 'softmax', 'embedImage'];
    for (const marker of clipMarkers) assert.ok(!index.code.includes(marker), `index.js contains ${marker}`);
    assert.equal(index.lazy.length, 1, 'one lazy chunk');
    assert.match(index.lazy[0].file, /^clip-[\w-]+\.js$/);
    for (const marker of clipMarkers) assert.ok(index.lazy[0].code.includes(marker), `the CLIP chunk lacks ${marker}`);
  });

  it('dist/index.js fits its 8 kB budget', { todo: 'dist/index.js is 8.4 kB: the main-thread request checks (SDXL and invert() among them) and comlink fill it (decision 0013)' }, async () => {
    const index = await measureBundle('index');
    assert.ok(index.gzipped <= BUNDLE_BUDGETS.index, `${index.gzipped} B min+gzip > ${BUNDLE_BUDGETS.index} B`);
  });
});
