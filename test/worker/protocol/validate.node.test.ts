// Request validation: defaults, limits and the code of every rejection.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sizeForImage, validateRequest } from '../../../src/worker/protocol/validate.ts';
import type { GenerateRequest } from '../../../src/worker/protocol/types.ts';

const code = (request: Record<string, unknown>) => {
  try {
    validateRequest({ prompt: 'x', ...request } as GenerateRequest);
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'ok';
};

describe('validateRequest', () => {
  it('fills SD defaults, then the model defaults', () => {
    const plain = validateRequest({ prompt: 'a cat' });
    assert.equal(plain.width, 512);
    assert.equal(plain.steps, 20);
    assert.equal(plain.guidanceScale, 7.5);
    assert.equal(plain.negativePrompt, '');
    assert.ok(Number.isInteger(plain.seed) && plain.seed >= 0 && plain.seed <= 0xffffffff);
    const turbo = validateRequest({ prompt: 'a cat' }, { steps: 1, guidanceScale: 0 });
    assert.equal(turbo.steps, 1);
    assert.equal(turbo.guidanceScale, 0);
  });

  it('accepts the edges of every range', () => {
    for (const request of [{ width: 64 }, { height: 2048 }, { steps: 1 }, { steps: 1000 }, { guidanceScale: 0 }, { seed: 0 }, { seed: 4294967295 }]) {
      assert.equal(code(request), 'ok', JSON.stringify(request));
    }
  });

  it('rejects each bad field with its code', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ width: 63 }, 'invalid-size'], [{ width: 60 }, 'invalid-size'], [{ height: 2056 }, 'invalid-size'], [{ width: '512' }, 'invalid-size'],
      [{ steps: 0 }, 'invalid-steps'], [{ steps: 1001 }, 'invalid-steps'], [{ steps: Number.NaN }, 'invalid-steps'],
      [{ guidanceScale: Number.NaN }, 'invalid-guidance-scale'], [{ guidanceScale: -0.5 }, 'invalid-guidance-scale'], [{ guidanceScale: Infinity }, 'invalid-guidance-scale'],
      [{ guidanceRescale: -0.1 }, 'invalid-guidance-scale'], [{ guidanceRescale: 1.5 }, 'invalid-guidance-scale'], [{ guidanceRescale: Number.NaN }, 'invalid-guidance-scale'],
      [{ prompt: 3 }, 'invalid-prompt'], [{ prompt: null }, 'invalid-prompt'], [{ negativePrompt: 5 }, 'invalid-prompt'],
      [{ seed: -1 }, 'invalid-seed'], [{ seed: 2 ** 32 }, 'invalid-seed'], [{ seed: 0.5 }, 'invalid-seed'],
      [{ strength: 2 }, 'invalid-strength'], [{ strength: Number.NaN }, 'invalid-strength'],
      [{ scheduler: 5 }, 'unknown-scheduler'],
    ];
    for (const [request, expected] of cases) assert.equal(code(request), expected, JSON.stringify(request));
  });
});

describe('sizeForImage (the output size an input image implies)', () => {
  it('keeps a small image, rounded down to multiples of 8', () => {
    assert.deepEqual(sizeForImage({ width: 70, height: 67 }), { width: 64, height: 64 });
  });
  it('shrinks a phone photo as a whole to fit 2048 px', () => {
    assert.deepEqual(sizeForImage({ width: 4032, height: 3024 }), { width: 2048, height: 1536 });
    assert.deepEqual(sizeForImage({ width: 3024, height: 4032 }), { width: 1536, height: 2048 });
  });
  it('accepts an input of any size; the size asked for is what is checked', () => {
    const image = { width: 8000, height: 6000, data: new Uint8ClampedArray(8000 * 6000 * 4) } as unknown as ImageData;
    const valid = validateRequest({ prompt: 'x', image, width: 512, height: 384 });
    assert.deepEqual([valid.width, valid.height], [512, 384]);
  });
});
