// The names <prompt-box> offers come from the SDK's pure table; each must resolve to a registered scheduler class,
// so the elements' list and the worker's registry cannot drift apart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLER_NAMES } from '../../src/sdk/index.ts';
import { samplerNames } from '../../src/worker/schedulers/names.ts';

describe('sampler names', () => {
  it('every name in the SDK table has a registered scheduler class', () => {
    const resolvable = samplerNames();
    assert.ok(SAMPLER_NAMES.length > 20);
    for (const name of SAMPLER_NAMES) assert.ok(resolvable.includes(name), name);
  });
});
