// The U-Net contract read from session metadata: static-shape exports are held to their one size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSizeFor, unetContract } from '../../../src/worker/models/contract.ts';
import { DiffusionError } from '../../../src/worker/protocol/errors.ts';
import type { Session } from '../../../src/worker/runtime/ort.ts';

/** Session metadata as onnxruntime-web reports it (only the fields the contract reads). */
function unetSession(sampleShape: (number | string)[]): Session {
  const tensor = (type: string, shape: (number | string)[]) => ({ isTensor: true, type, shape });
  return {
    inputNames: ['sample', 'timestep', 'encoder_hidden_states'],
    inputMetadata: [tensor('float16', sampleShape), tensor('int64', [1]), tensor('float16', [2, 77, 1024])],
    outputNames: ['out_sample'],
    outputMetadata: [tensor('float16', sampleShape)],
  } as unknown as Session;
}

describe('U-Net contract', () => {
  it('a static-shape export accepts its own size and refuses others with invalid-size', () => {
    const contract = unetContract(unetSession([2, 4, 64, 64]));
    assert.deepEqual(contract.fixedLatentSize, [64, 64]);
    checkSizeFor(contract, 512, 512);
    assert.throws(() => checkSizeFor(contract, 768, 512), (error: unknown) =>
      error instanceof DiffusionError && error.code === 'invalid-size' && /512x512 images only/.test(error.message));
  });

  it('symbolic spatial dimensions accept any size', () => {
    const contract = unetContract(unetSession(['batch', 4, 'height', 'width']));
    assert.equal(contract.fixedLatentSize, undefined);
    checkSizeFor(contract, 768, 1024);
  });
});
