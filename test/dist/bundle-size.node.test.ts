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
    for (const marker of SCHEDULER_MARKERS) assert.ok(!elements.code.includes(marker), `elements bundle contains ${marker}`);
    assert.ok(elements.gzipped <= ELEMENTS_CEILING, `${elements.gzipped} B min+gzip > ${ELEMENTS_CEILING} B`);
  });

  // Reported as "todo" until the elements' own code shrinks: the issue's budget, not yet met.
  it('dist/elements.js fits the 20 kB budget', { todo: 'the elements bundle is 24.6 kB' }, async () => {
    const elements = await measureBundle('elements');
    assert.ok(elements.gzipped <= BUNDLE_BUDGETS.elements, `${elements.gzipped} B min+gzip > ${BUNDLE_BUDGETS.elements} B`);
  });

  it('dist/index.js stays under its ceiling', async () => {
    const index = await measureBundle('index');
    assert.ok(index.gzipped <= INDEX_CEILING, `${index.gzipped} B min+gzip > ${INDEX_CEILING} B`);
  });

  it('dist/index.js fits its 8 kB budget', { todo: 'dist/index.js is 8.3 kB since createClip joined it' }, async () => {
    const index = await measureBundle('index');
    assert.ok(index.gzipped <= BUNDLE_BUDGETS.index, `${index.gzipped} B min+gzip > ${BUNDLE_BUDGETS.index} B`);
  });
});
