// SDXL's request options are checked where they enter, with typed errors, and refused for an SD model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiffusionError, type ErrorCode } from '../../../src/worker/protocol/errors.ts';
import { validateRequest } from '../../../src/worker/protocol/validate.ts';

const coded = (code: ErrorCode, pattern: RegExp) => (error: unknown) => error instanceof DiffusionError && error.code === code && pattern.test(error.message);

describe('SDXL request options', () => {
  it('pass through checked, and stay undefined when not given', () => {
    const valid = validateRequest({ prompt: 'a fox', prompt2: 'oil painting', originalSize: { width: 2048, height: 1024 }, cropsCoordsTopLeft: { top: 0, left: 32 }, targetSize: { width: 1024, height: 1024 } }, {}, 'sdxl');
    assert.equal(valid.prompt2, 'oil painting');
    assert.deepEqual(valid.originalSize, { width: 2048, height: 1024 });
    assert.deepEqual(valid.cropsCoordsTopLeft, { top: 0, left: 32 });
    const plain = validateRequest({ prompt: 'a fox' }, {}, 'sdxl');
    assert.deepEqual([plain.prompt2, plain.originalSize, plain.cropsCoordsTopLeft, plain.targetSize], [undefined, undefined, undefined, undefined]);
  });

  it('out-of-range time_ids options are invalid-size (sizes) and invalid-argument (crop)', () => {
    for (const originalSize of [{ width: 0, height: 512 }, { width: 512.5, height: 512 }, { width: 512, height: 20000 }, { width: 512 }, null, 512]) {
      assert.throws(() => validateRequest({ prompt: 'p', originalSize } as never), coded('invalid-size', /originalSize must be \{ width, height \}/));
    }
    assert.throws(() => validateRequest({ prompt: 'p', targetSize: { width: -8, height: 8 } }), coded('invalid-size', /targetSize/));
    for (const crop of [{ top: -1, left: 0 }, { top: 0 }, { top: 1.5, left: 0 }, 'top-left']) {
      assert.throws(() => validateRequest({ prompt: 'p', cropsCoordsTopLeft: crop } as never), coded('invalid-argument', /cropsCoordsTopLeft must be \{ top, left \}/));
    }
    assert.throws(() => validateRequest({ prompt: 'p', prompt2: 3 } as never), coded('invalid-prompt', /prompt2 must be a string/));
  });

  it('a size that is not a multiple of 8 is still invalid-size', () => {
    assert.throws(() => validateRequest({ prompt: 'p', width: 1020 }, {}, 'sdxl'), coded('invalid-size', /multiple of 8/));
  });

  it('an SD model given SDXL-only options says so', () => {
    assert.throws(() => validateRequest({ prompt: 'p', targetSize: { width: 512, height: 512 }, prompt2: 'x' }, {}, 'sd'), (error: unknown) => {
      assert.ok(coded('invalid-argument', /prompt2, targetSize are for SDXL models only; this model is SD 1\.x\/2\.x/)(error));
      assert.deepEqual((error as DiffusionError).details, { fields: ['prompt2', 'targetSize'], family: 'sd' });
      return true;
    });
    validateRequest({ prompt: 'p' }, {}, 'sd');
  });
});
