// The incremental SHA-256 against node:crypto: every padding edge, any split of the input, saved and restored state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { Sha256, sha256Hex } from '../../../src/worker/cache/sha256.ts';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const random = (n: number) => randomFillSync(new Uint8Array(n));

describe('Sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    assert.equal(sha256Hex(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('matches node:crypto for every length around the block and padding edges', () => {
    for (let n = 0; n <= 200; n += 1) {
      const bytes = random(n);
      assert.equal(sha256Hex(bytes), reference(bytes), `length ${n}`);
    }
  });

  it('gives the same digest however the input is split', () => {
    const bytes = random(10_000);
    for (const piece of [1, 3, 63, 64, 65, 1000, 4099]) {
      const hash = new Sha256();
      for (let i = 0; i < bytes.length; i += piece) hash.update(bytes.subarray(i, i + piece));
      assert.equal(hash.digestHex(), reference(bytes), `pieces of ${piece}`);
    }
  });

  it('continues from a saved state, through structured clone', () => {
    const bytes = random(5000);
    const first = new Sha256().update(bytes.subarray(0, 1234));
    const resumed = Sha256.from(structuredClone(first.state())).update(bytes.subarray(1234));
    assert.equal(resumed.digestHex(), reference(bytes));
  });

  it('matches WebCrypto on a few megabytes', async () => {
    const bytes = random(3 * 2 ** 20 + 17);
    const subtle = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
    assert.equal(sha256Hex(bytes), subtle);
  });
});
