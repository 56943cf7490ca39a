// A part of the SDK that loads on first use (decision 0013) and fails to load rejects like a failed download.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lazyModule } from '../../src/sdk/lazy-module.ts';
import { DiffusionError } from '../../src/worker/protocol/errors.ts';

describe('lazyModule', () => {
  it('resolves to the module when it loads', async () => {
    const module = { answer: 42 };
    assert.equal(await lazyModule('invert()', async () => module), module);
  });

  it("rejects with download-failed naming the call and the browser's reason when the chunk does not load", async () => {
    const cause = new TypeError('Failed to fetch dynamically imported module: https://example.test/dist/invert-abc.js');
    await assert.rejects(lazyModule('invert()', () => Promise.reject(cause)), (error: unknown) => {
      assert.ok(error instanceof DiffusionError);
      assert.equal(error.code, 'download-failed');
      assert.match(error.message, /^invert\(\): .*did not load: Failed to fetch dynamically imported module/);
      assert.equal(error.cause, cause);
      return true;
    });
  });
});
