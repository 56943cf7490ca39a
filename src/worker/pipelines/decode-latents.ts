/**
 * VAE decoding: latents / scaling factor -> decoder -> RGBA pixels, refusing NaN output. SDXL's VAE overflows in
 * fp16 (its activations pass 65504): a non-finite decode is run again by the model's fp32 decoder where the
 * manifest names one (`vaeDecoderFp32`), and later decodes go there directly; without one it is `nan-output`
 * naming the fix.
 */
import { DiffusionError } from '../protocol/errors.ts';
import type { LoadContext, LoadedModel, Network } from '../models/load-model.ts';
import type { VaeContract } from '../models/contract.ts';
import { floatData, runSession } from '../runtime/ort.ts';
import { planarToRgba } from '../tensor/image.ts';
import { floatTensor, hasNonFinite } from './feeds.ts';

/** Models whose first decoder overflowed once: their decodes go to the fp32 decoder from then on. */
const overflowed = new WeakSet<LoadedModel>();

async function runDecoder(network: Network<VaeContract>, scaled: Float32Array, width: number, height: number, label: string): Promise<Float32Array> {
  const { session, contract } = network;
  const outputs = await runSession(session, {
    [contract.input.name]: floatTensor(scaled, [1, 4, height / 8, width / 8], contract.input.type),
  }, label);
  return floatData(outputs[contract.output.name]);
}

function nanError(model: LoadedModel, fp32Tried: boolean): DiffusionError {
  const fix = fp32Tried
    ? ' The fp32 VAE decoder did too, so the latents themselves are not finite.'
    : model.family === 'sdxl'
      ? " SDXL's VAE overflows in fp16: use an fp16-fix VAE decoder (such as madebyollin/sdxl-vae-fp16-fix's), or give the manifest a vaeDecoderFp32 to run such decodes in fp32."
      : ' An fp16 VAE can overflow: use an fp32 VAE decoder, or give the manifest a vaeDecoderFp32.';
  return new DiffusionError('nan-output', `The VAE decoder produced NaN or infinite values; the image would be black.${fix}`, {
    details: { model: 'VAE decoder', family: model.family, fp32Tried },
  });
}

/** Decodes [4, h, w] latents into a width x height RGBA image; `load` lets an fp32 decoder be fetched on first need. */
export async function decodeLatents(model: LoadedModel, latents: Float32Array, width: number, height: number, load?: LoadContext): Promise<ImageData> {
  const scaled = new Float32Array(latents.length);
  const inverse = 1 / model.scalingFactor;
  for (let i = 0; i < latents.length; i += 1) scaled[i] = latents[i] * inverse;
  const fp32 = model.vaeDecoderFp32 && load ? () => model.vaeDecoderFp32!(load) : undefined;
  let pixels: Float32Array;
  if (fp32 && overflowed.has(model)) {
    pixels = await runDecoder(await fp32(), scaled, width, height, 'VAE decoder (fp32)');
  } else {
    pixels = await runDecoder(model.vaeDecoder, scaled, width, height, 'VAE decoder');
    if (hasNonFinite(pixels) && fp32) {
      overflowed.add(model);
      pixels = await runDecoder(await fp32(), scaled, width, height, 'VAE decoder (fp32)');
    }
  }
  if (hasNonFinite(pixels)) throw nanError(model, fp32 !== undefined);
  if (pixels.length !== 3 * width * height) {
    throw new DiffusionError('model-contract', `The VAE decoder returned ${pixels.length} values; expected 3 x ${width} x ${height}.`);
  }
  return new ImageData(planarToRgba(pixels, width, height), width, height);
}
