/** VAE decoding: latents / scaling factor -> decoder -> RGBA pixels, refusing NaN output. */
import { DiffusionError } from '../protocol/errors.ts';
import type { LoadedModel } from '../models/load-model.ts';
import { floatData, runSession } from '../runtime/ort.ts';
import { planarToRgba } from '../tensor/image.ts';
import { floatTensor, hasNonFinite } from './feeds.ts';

/** Decodes [4, h, w] latents into a width x height RGBA image. */
export async function decodeLatents(model: LoadedModel, latents: Float32Array, width: number, height: number): Promise<ImageData> {
  const { session, contract } = model.vaeDecoder;
  const scaled = new Float32Array(latents.length);
  const inverse = 1 / model.scalingFactor;
  for (let i = 0; i < latents.length; i += 1) scaled[i] = latents[i] * inverse;
  const outputs = await runSession(session, {
    [contract.input.name]: floatTensor(scaled, [1, 4, height / 8, width / 8], contract.input.type),
  }, 'VAE decoder');
  const pixels = floatData(outputs[contract.output.name]);
  if (hasNonFinite(pixels)) throw new DiffusionError('nan-output', 'The VAE decoder produced NaN or infinite values; the image would be black.');
  if (pixels.length !== 3 * width * height) {
    throw new DiffusionError('model-contract', `The VAE decoder returned ${pixels.length} values; expected 3 x ${width} x ${height}.`);
  }
  return new ImageData(planarToRgba(pixels, width, height), width, height);
}
