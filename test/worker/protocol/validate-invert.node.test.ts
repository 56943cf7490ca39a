// invert() requests and generate()'s `latents`: defaults and the code of every rejection, before any GPU work.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateInvertRequest } from '../../../src/worker/protocol/validate-invert.ts';
import { validateRequest } from '../../../src/worker/protocol/validate.ts';
import type { InvertRequest } from '../../../src/worker/protocol/invert-types.ts';

/** An ImageData look-alike (Node has no ImageData; the checks are structural). */
const image = (width = 96, height = 64) => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }) as unknown as ImageData;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'ok';
}

describe('validateInvertRequest', () => {
  it('defaults: the image size, the model steps, no guidance, DDIM inversion, an empty prompt', () => {
    const valid = validateInvertRequest({ image: image() }, { steps: 30, guidanceScale: 7.5, scheduler: 'Euler a' });
    assert.deepEqual([valid.width, valid.height, valid.steps, valid.guidanceScale, valid.scheduler, valid.prompt], [96, 64, 30, 1, 'DDIMInverseScheduler', '']);
    assert.ok(Number.isInteger(valid.seed));
    assert.equal(validateInvertRequest({ image: image(), seed: 7, scheduler: 'DPM++ 2M' }).scheduler, 'DPM++ 2M');
  });

  it('rejects with the codes generate uses', () => {
    const bad: [Partial<InvertRequest> | null, string][] = [
      [null, 'invalid-argument'], [{}, 'invalid-image'], [{ image: 'x' as never }, 'invalid-image'],
      [{ image: image(), steps: 0 }, 'invalid-steps'], [{ image: image(), width: 65 }, 'invalid-size'],
      [{ image: image(), guidanceScale: -1 }, 'invalid-guidance-scale'], [{ image: image(), seed: -1 }, 'invalid-seed'],
      [{ image: image(), prompt: 5 as never }, 'invalid-prompt'], [{ image: image(), scheduler: 5 as never }, 'unknown-scheduler'],
    ];
    for (const [request, code] of bad) assert.equal(codeOf(() => validateInvertRequest(request as InvertRequest)), code, JSON.stringify(request));
  });
});

describe('generate({ latents })', () => {
  const request = { prompt: 'x', width: 64, height: 96 };
  it('takes a Float32Array of 4 x h/8 x w/8 finite values, for text-to-image', () => {
    const latents = new Float32Array(4 * 12 * 8);
    assert.equal(validateRequest({ ...request, latents }).latents, latents);
    assert.equal(validateRequest(request).latents, undefined);
  });

  it('refuses a wrong length (naming the size), another type, NaN, or an image beside them', () => {
    assert.equal(codeOf(() => validateRequest({ ...request, latents: new Float32Array(4 * 8 * 8) })), 'length-mismatch');
    assert.equal(codeOf(() => validateRequest({ ...request, latents: [0] as never })), 'invalid-argument');
    assert.equal(codeOf(() => validateRequest({ ...request, latents: new Float32Array(384).fill(Number.NaN) })), 'invalid-argument');
    assert.equal(codeOf(() => validateRequest({ ...request, latents: new Float32Array(384), image: image(64, 96) })), 'invalid-argument');
    assert.match(String((() => { try { validateRequest({ prompt: 'x', latents: new Float32Array(256) }); } catch (e) { return (e as Error).message; } })()), /512x512 needs 16384.*width and height/);
  });
});
