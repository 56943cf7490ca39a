// Bundle budgets of issue 13: the elements list sampler names from a pure table, so no scheduler code may reach
// dist/elements.js, and both page-facing bundles stay small. Sizes of built files, not timings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BUNDLE_BUDGETS, ELEMENTS_CEILING, measureBundle } from '../../bench/bundle-size.ts';

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

  it('dist/index.js fits its 8 kB budget', async () => {
    const index = await measureBundle('index');
    assert.ok(index.gzipped <= BUNDLE_BUDGETS.index, `${index.gzipped} B min+gzip > ${BUNDLE_BUDGETS.index} B`);
  });

  // Decision 0013: what few pages call loads on its first call. Markers are names only that code has.
  const LAZY = [
    { chunk: /^clip-[\w-]+\.js$/, markers: ['cosineMatrix', 'softmax', 'embedImage'] },
    { chunk: /^invert-[\w-]+\.js$/, markers: ['validateInvertRequest', 'prepareInvertRequest'] },
    { chunk: /^batch-[\w-]+\.js$/, markers: ['BATCH_LIMIT', 'rankByPrompt'] },
  ];
  it('dist/index.js leaves CLIP, invert() and generateBatch() to chunks that load on first use', async () => {
    const index = await measureBundle('index');
    assert.equal(index.lazy.length, LAZY.length, index.lazy.map((c) => c.file).join(', '));
    for (const { chunk, markers } of LAZY) {
      const lazy = index.lazy.find((c) => chunk.test(c.file));
      assert.ok(lazy, `no chunk ${chunk}`);
      for (const marker of markers) {
        assert.ok(!index.code.includes(marker), `index.js contains ${marker}`);
        assert.ok(lazy.code.includes(marker), `${lazy.file} lacks ${marker}`);
      }
    }
  });
});
